# Rule: asyncio.timeout: when() is the deadline, reschedule() moves or removes it, expired() tells whether it fired, and an exited timeout cannot be rescheduled.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    async with asyncio.timeout(0.2) as cm:
        print("when:", round(cm.when() - t0, 1))
        cm.reschedule(loop.time() + 0.5)
        await asyncio.sleep(0.3)
        print("survived 0.3, when:", round(cm.when() - t0, 1), "expired:", cm.expired())
        cm.reschedule(None)
        print("when after reschedule(None):", cm.when())
        await asyncio.sleep(0.4)
    print("exited normally at", round(loop.time() - t0, 1), "expired:", cm.expired())
    try:
        async with asyncio.timeout(0.1) as cm2:
            await asyncio.sleep(1)
    except TimeoutError:
        print("TimeoutError at", round(loop.time() - t0, 1), "expired:", cm2.expired())
    for c in (cm, cm2):
        try:
            c.reschedule(None)
        except RuntimeError as e:
            print("RuntimeError:", e)


asyncio.run(main())
