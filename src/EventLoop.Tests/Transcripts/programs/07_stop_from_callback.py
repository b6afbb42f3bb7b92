# Rule: stop() from a callback lets the current iteration finish; callbacks scheduled during it wait for the next run.
import asyncio

loop = asyncio.new_event_loop()


def first():
    print("first: scheduling later_cb and calling stop()")
    loop.call_soon(later_cb)
    loop.stop()


def second():
    print("second: already queued, still runs")


def later_cb():
    print("later_cb: scheduled during the stopping iteration")


loop.call_soon(first)
loop.call_soon(second)
loop.run_forever()
print("run_forever returned")
loop.call_soon(loop.stop)
loop.run_forever()
print("run_forever returned again")
loop.close()
