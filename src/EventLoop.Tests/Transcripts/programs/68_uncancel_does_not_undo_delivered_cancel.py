# Rule: uncancel() after the cancel reached the awaited future lowers the count but the task still gets CancelledError.
import asyncio


async def worker():
    me = asyncio.current_task()
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("worker got CancelledError, cancelling:", me.cancelling())
    await asyncio.sleep(0.1)
    print("worker slept again, cancelling:", me.cancelling())
    return "ok"


async def main():
    t = asyncio.create_task(worker())
    await asyncio.sleep(0)
    print("cancel ->", t.cancel(), "cancelling:", t.cancelling())
    print("uncancel ->", t.uncancel(), "cancelling:", t.cancelling())
    print("result:", await t, "cancelled:", t.cancelled())


asyncio.run(main())
