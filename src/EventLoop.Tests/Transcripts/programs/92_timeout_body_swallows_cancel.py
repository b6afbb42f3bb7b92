# Rule: if the body swallows the timeout's cancellation, no TimeoutError is raised, yet expired() is True and cancelling() is restored.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    me = asyncio.current_task()
    async with asyncio.timeout(0.2) as cm:
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            print("body swallowed cancel at", round(loop.time() - t0, 1), "cancelling:", me.cancelling())
        await asyncio.sleep(0.1)
        print("body continued to", round(loop.time() - t0, 1))
    print("no TimeoutError, expired:", cm.expired(), "cancelling:", me.cancelling())
    await asyncio.sleep(0.1)
    print("task still usable at", round(loop.time() - t0, 1))


asyncio.run(main())
