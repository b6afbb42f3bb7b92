# Rule: a task that catches CancelledError can keep awaiting; later awaits are not cancelled again, and it ends with its result.
import asyncio


async def cleanup_worker(loop, t0):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("caught at", round(loop.time() - t0, 1))
        await asyncio.sleep(0.3)
        print("cleanup slept until", round(loop.time() - t0, 1))
        await asyncio.sleep(0)
        return "cleaned up"
    return "never"


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    t = asyncio.create_task(cleanup_worker(loop, t0))
    await asyncio.sleep(0.2)
    t.cancel()
    print("result:", await t, "at", round(loop.time() - t0, 1))
    print("cancelled:", t.cancelled(), "cancelling:", t.cancelling())


asyncio.run(main())
