# Rule: call_later timers run by deadline; the same delay scheduled later fires later (scheduling order).
import asyncio

loop = asyncio.new_event_loop()


def cb(name):
    print("fire", name)


loop.call_later(0.03, cb, "c 0.03")
loop.call_later(0.01, cb, "a1 0.01")
loop.call_later(0.02, cb, "b 0.02")
loop.call_later(0.01, cb, "a2 0.01")
loop.call_later(0.01, cb, "a3 0.01")
loop.call_later(0.04, loop.stop)
loop.run_forever()
loop.close()
