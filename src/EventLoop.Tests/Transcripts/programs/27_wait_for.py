# Rule: wait_for returns in time, or cancels the inner coroutine and raises TimeoutError at the deadline.
import asyncio


async def work(delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print("work cancelled by wait_for")
        raise
    return "work done"


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    print(await asyncio.wait_for(work(0.01), timeout=0.5), "at", round(loop.time() - t0, 2))
    t0 = loop.time()
    try:
        await asyncio.wait_for(work(10), timeout=0.05)
    except TimeoutError as e:
        print("TimeoutError", type(e).__name__, "at", round(loop.time() - t0, 2))
    print("is asyncio.TimeoutError:", asyncio.TimeoutError is TimeoutError)
    print(await asyncio.wait_for(work(0), timeout=None))


asyncio.run(main())
