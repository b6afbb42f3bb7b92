# Rule: cancelling() counts pending cancel requests; uncancel() decrements and returns the new count.
import asyncio


async def worker():
    me = asyncio.current_task()
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("worker caught, cancelling():", me.cancelling())
        print("uncancel() ->", me.uncancel())
        print("uncancel() ->", me.uncancel())
    await asyncio.sleep(0)
    print("worker continues, cancelling():", me.cancelling())
    return "done"


async def main():
    t = asyncio.create_task(worker())
    await asyncio.sleep(0)
    print("cancelling() before:", t.cancelling())
    print("cancel() ->", t.cancel(), "cancelling():", t.cancelling())
    print("cancel() ->", t.cancel(), "cancelling():", t.cancelling())
    print("result:", await t, "cancelled:", t.cancelled())


asyncio.run(main())
