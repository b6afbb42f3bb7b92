# Rule: cancelling a sleeping task throws CancelledError (carrying the cancel message) at its await.
import asyncio


async def sleeper():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print("sleeper caught CancelledError, args:", e.args)
        raise
    print("never printed")


async def main():
    t = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    print("cancel() returns:", t.cancel("stop it"))
    print("done right after cancel():", t.done())
    try:
        await t
    except asyncio.CancelledError as e:
        print("main caught CancelledError, args:", e.args)
    print("cancelled:", t.cancelled(), "done:", t.done())
    t2 = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    t2.cancel()
    try:
        await t2
    except asyncio.CancelledError as e:
        print("no message, args:", e.args)


asyncio.run(main())
