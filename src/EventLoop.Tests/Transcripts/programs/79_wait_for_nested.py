# Rule: nested wait_for: whichever deadline passes first raises TimeoutError, and only at its own level.
import asyncio


async def work(loop, t0):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("work cancelled at", round(loop.time() - t0, 1))
        raise


async def inner_level(loop, t0, timeout):
    try:
        return await asyncio.wait_for(work(loop, t0), timeout)
    except TimeoutError:
        print("inner wait_for timed out")
        return "inner handled"
    except asyncio.CancelledError:
        print("inner wait_for saw CancelledError")
        raise


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    r = await asyncio.wait_for(inner_level(loop, t0, 0.2), 0.5)
    print("inner first:", r, round(loop.time() - t0, 1))
    t0 = loop.time()
    try:
        await asyncio.wait_for(inner_level(loop, t0, 0.5), 0.2)
    except TimeoutError:
        print("outer first: TimeoutError at", round(loop.time() - t0, 1))
    print("cancelling:", asyncio.current_task().cancelling())


asyncio.run(main())
