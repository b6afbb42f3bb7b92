# Rule: without return_exceptions the first exception reaches the awaiter while the other children keep running.
import asyncio


async def fail():
    await asyncio.sleep(0.01)
    raise ValueError("first failure")


async def keeps_running():
    await asyncio.sleep(0.03)
    print("keeps_running finished after the gather raised")
    return "late"


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    child = asyncio.create_task(keeps_running())
    try:
        await asyncio.gather(fail(), child)
    except ValueError as e:
        print("gather raised", type(e).__name__, e, "at", round(loop.time() - t0, 2))
    print("child done:", child.done(), "cancelled:", child.cancelled())
    print("child result:", await child, "at", round(loop.time() - t0, 2))


asyncio.run(main())
