# Rule: wait_for with timeout <= 0 cancels a not-done task and raises TimeoutError; a done one gives its result.
import asyncio


async def work():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("work cancelled")
        raise


async def quick():
    return "quick"


async def main():
    t = asyncio.create_task(work())
    await asyncio.sleep(0)
    try:
        await asyncio.wait_for(t, timeout=0)
    except TimeoutError:
        print("TimeoutError, task cancelled:", t.cancelled())
    q = asyncio.create_task(quick())
    await asyncio.sleep(0)
    print("done task:", await asyncio.wait_for(q, timeout=-1))


asyncio.run(main())
