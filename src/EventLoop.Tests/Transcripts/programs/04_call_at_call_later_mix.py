# Rule: call_at and call_later share one timer queue ordered by deadline; equal deadlines keep scheduling order.
import asyncio

loop = asyncio.new_event_loop()


def cb(name):
    print("fire", name)


t0 = loop.time()
loop.call_at(t0 + 0.05, cb, "at +0.05")
loop.call_later(0.02, cb, "later 0.02")
loop.call_at(t0 + 0.01, cb, "at +0.01")
h = loop.call_at(t0 + 0.03, cb, "at +0.03 (first)")
loop.call_at(h.when(), cb, "at +0.03 (second, same when)")
print("when() equals t0 + 0.03:", h.when() == t0 + 0.03)
loop.call_soon(cb, "soon")
loop.call_at(t0 + 0.06, loop.stop)
loop.run_forever()
loop.close()
