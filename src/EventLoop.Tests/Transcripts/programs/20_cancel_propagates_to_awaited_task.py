# Rule: cancelling a task that awaits another task cancels the inner task too.
import asyncio


async def inner():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("inner cancelled")
        raise


async def outer(inner_task):
    try:
        await inner_task
    except asyncio.CancelledError:
        print("outer cancelled")
        raise


async def main():
    it = asyncio.create_task(inner())
    ot = asyncio.create_task(outer(it))
    await asyncio.sleep(0)
    print("cancel outer ->", ot.cancel())
    print("inner done right after:", it.done())
    try:
        await ot
    except asyncio.CancelledError:
        print("main: outer raised CancelledError")
    print("inner cancelled:", it.cancelled(), "outer cancelled:", ot.cancelled())


asyncio.run(main())
