# Rule: in 3.12 wait_for returns the value of a coroutine that swallows the timeout's cancellation, instead of raising TimeoutError.
import asyncio


async def stubborn(loop, t0):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("stubborn cancelled at", round(loop.time() - t0, 1))
        await asyncio.sleep(0.1)
        return "kept going"
    return "finished"


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    r = await asyncio.wait_for(stubborn(loop, t0), timeout=0.2)
    print("wait_for returned", repr(r), "at", round(loop.time() - t0, 1))
    print("main cancelling:", asyncio.current_task().cancelling())
    await asyncio.sleep(0.1)
    print("main not cancelled afterwards, at", round(loop.time() - t0, 1))


asyncio.run(main())
