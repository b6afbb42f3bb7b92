# Rule: a callback scheduled from inside a callback runs in the next iteration, after everything already queued.
import asyncio

loop = asyncio.new_event_loop()


def tick(n):
    # One link of this chain runs per iteration: it marks iteration boundaries.
    print("tick", n)
    if n < 3:
        loop.call_soon(tick, n + 1)
    else:
        loop.stop()


def a1():
    print("a1")
    loop.call_soon(a2)


def a2():
    print("a2")
    loop.call_soon(a3)


def a3():
    print("a3")


def b():
    print("b")


loop.call_soon(tick, 0)
loop.call_soon(a1)
loop.call_soon(b)
loop.run_forever()
loop.close()
