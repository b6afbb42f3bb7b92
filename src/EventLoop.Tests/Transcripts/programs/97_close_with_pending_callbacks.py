# Rule: close() drops queued callbacks and timers; afterwards scheduling or running raises RuntimeError('Event loop is closed'); close() again is a no-op.
import asyncio

loop = asyncio.new_event_loop()
h = loop.call_later(0.1, print, "never: call_later")


def first():
    print("first iteration")
    loop.call_soon(print, "never: queued for the next iteration")
    loop.stop()


loop.call_soon(first)
loop.run_forever()
print("closed before close():", loop.is_closed())
loop.close()
print("closed:", loop.is_closed(), "timer cancelled:", h.cancelled())
for name, call in [("call_soon", lambda: loop.call_soon(print, "x")),
                   ("call_later", lambda: loop.call_later(1, print, "x")),
                   ("call_at", lambda: loop.call_at(1, print, "x")),
                   ("run_forever", loop.run_forever)]:
    try:
        call()
    except RuntimeError as e:
        print(name, "RuntimeError:", e)
loop.close()
print("second close() is fine")
