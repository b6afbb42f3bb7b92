# Rule: a deadline in the past fires at the body's first await (a body that never awaits completes); timeout(None) never fires until rescheduled.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    async with asyncio.timeout_at(loop.time() - 1) as cm:
        print("body without await runs")
    print("completed, expired:", cm.expired())
    try:
        async with asyncio.timeout_at(loop.time() - 1):
            print("body starts")
            await asyncio.sleep(0)
            print("never printed")
    except TimeoutError:
        print("past deadline: TimeoutError at", round(loop.time() - t0, 1))
    try:
        async with asyncio.timeout(0):
            await asyncio.sleep(0.5)
    except TimeoutError:
        print("timeout(0): TimeoutError at", round(loop.time() - t0, 1))
    try:
        async with asyncio.timeout(None) as cm:
            print("when:", cm.when())
            await asyncio.sleep(0.3)
            print("no deadline, slept until", round(loop.time() - t0, 1))
            cm.reschedule(loop.time() + 0.2)
            await asyncio.sleep(1)
    except TimeoutError:
        print("rescheduled: TimeoutError at", round(loop.time() - t0, 1))


asyncio.run(main())
