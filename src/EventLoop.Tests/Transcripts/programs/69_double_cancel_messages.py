# Rule: two cancel() calls on a sleeping task both return True and count twice, but one CancelledError arrives, with the first message.
import asyncio


async def sleeper():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print("sleeper got", e.args, "cancelling:", asyncio.current_task().cancelling())
        raise


async def main():
    t = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    print("cancel('first') ->", t.cancel("first"))
    print("cancel('second') ->", t.cancel("second"))
    print("cancelling:", t.cancelling())
    try:
        await t
    except asyncio.CancelledError as e:
        print("main got", e.args)
    print("cancel() on done ->", t.cancel("third"), "cancelling:", t.cancelling())


asyncio.run(main())
