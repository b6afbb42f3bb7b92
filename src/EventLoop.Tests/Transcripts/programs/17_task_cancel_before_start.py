# Rule: a task cancelled before its first step never runs its coroutine body.
import asyncio


async def body():
    print("body runs (never printed)")
    return 1


async def main():
    t = asyncio.create_task(body())
    print("cancel() returns:", t.cancel())
    print("done right after cancel():", t.done())
    await asyncio.sleep(0)
    print("after one iteration: done", t.done(), "cancelled", t.cancelled())
    try:
        await t
    except asyncio.CancelledError:
        print("awaiting it raises CancelledError")


asyncio.run(main())
