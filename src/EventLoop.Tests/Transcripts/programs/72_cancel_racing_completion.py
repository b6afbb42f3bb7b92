# Rule: cancel() after the awaited future completed but before the task resumed still delivers CancelledError; the result is lost.
import asyncio


async def waiter(fut):
    try:
        r = await fut
        print("waiter got", r)
    except asyncio.CancelledError:
        print("waiter got CancelledError although fut has", fut.result())
        raise


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    t = asyncio.create_task(waiter(fut))
    await asyncio.sleep(0)
    fut.set_result("value")
    print("cancel ->", t.cancel())
    try:
        await t
    except asyncio.CancelledError:
        print("task cancelled:", t.cancelled())
    fut2 = loop.create_future()
    t2 = asyncio.create_task(waiter(fut2))
    await asyncio.sleep(0)
    print("cancel ->", t2.cancel(), "fut2 cancelled:", fut2.cancelled())
    try:
        fut2.set_result("late")
    except asyncio.InvalidStateError:
        print("set_result on cancelled fut2: InvalidStateError")
    await asyncio.gather(t2, return_exceptions=True)
    print("t2 cancelled:", t2.cancelled())


asyncio.run(main())
