# Rule: an exception raised by a callback goes to the exception handler and the loop keeps running queued callbacks.
import asyncio

loop = asyncio.new_event_loop()


def handler(lp, context):
    words = context["message"].split()[:3]
    print("handler:", " ".join(words), "|", type(context["exception"]).__name__,
          "|", sorted(context.keys()), "| same loop:", lp is loop)


def bad():
    print("bad runs")
    raise ValueError("oops")


def good(name):
    print("good", name)


loop.set_exception_handler(handler)
print("handler installed:", loop.get_exception_handler() is handler)
loop.call_soon(good, 1)
loop.call_soon(bad)
loop.call_soon(good, 2)
loop.call_later(0.01, bad)
loop.call_later(0.02, good, 3)
loop.call_later(0.03, loop.stop)
loop.run_forever()
print("loop survived")
loop.close()
