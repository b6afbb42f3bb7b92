# Rule: a task that catches CancelledError and returns ends not-cancelled with that result; cancel() on a done task returns False.
import asyncio


async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("stubborn caught CancelledError, returning normally")
    return "survived"


async def main():
    t = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    print("cancel() returns:", t.cancel())
    result = await t
    print("result:", result)
    print("cancelled:", t.cancelled(), "done:", t.done())
    print("cancel() on done task returns:", t.cancel())
    print("still cancelled:", t.cancelled())


asyncio.run(main())
