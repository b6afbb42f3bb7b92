# Rule: a cancelled handle (call_soon or call_later) never runs; cancel() returns None.
import asyncio

loop = asyncio.new_event_loop()


def cb(name):
    print("run", name)


h1 = loop.call_soon(cb, "soon-1")
h2 = loop.call_soon(cb, "soon-2")
h3 = loop.call_later(0.01, cb, "later-3")
h4 = loop.call_later(0.02, cb, "later-4")
print("h2 cancelled before:", h2.cancelled())
print("h2.cancel() returns:", h2.cancel())
print("h2 cancelled after:", h2.cancelled())
print("h3.cancel() returns:", h3.cancel())
print("h3 cancel again returns:", h3.cancel())
print("h3 cancelled:", h3.cancelled())
print("h1 cancelled:", h1.cancelled(), "h4 cancelled:", h4.cancelled())


def cancel_from_callback():
    print("cancelling h4 from a callback")
    h4.cancel()


loop.call_soon(cancel_from_callback)
loop.call_later(0.05, loop.stop)
loop.run_forever()
print("h4 cancelled:", h4.cancelled())
loop.close()
