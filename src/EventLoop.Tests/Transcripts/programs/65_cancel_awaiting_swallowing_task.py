# Rule: cancelling a task that awaits a task which swallows the cancel: the outer task gets the inner result and is not cancelled.
import asyncio


async def swallower():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("swallower swallowed the cancel")
    return "inner value"


async def outer(t):
    r = await t
    print("outer got", r, "cancelling:", asyncio.current_task().cancelling())
    await asyncio.sleep(0.1)
    print("outer slept normally")
    return "outer value"


async def main():
    inner = asyncio.create_task(swallower())
    ot = asyncio.create_task(outer(inner))
    await asyncio.sleep(0)
    print("cancel outer ->", ot.cancel())
    print("result:", await ot)
    print("outer cancelled:", ot.cancelled(), "inner cancelled:", inner.cancelled())
    print("outer cancelling:", ot.cancelling())


asyncio.run(main())
