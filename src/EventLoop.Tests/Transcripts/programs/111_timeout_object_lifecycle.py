# Rule: an asyncio.timeout() object exists before it is entered, with its deadline; reschedule() refuses before __aenter__, moves the deadline inside; entering twice refuses; expired() and when() report.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    cm = asyncio.timeout(0.5)
    print("created:", cm, "when:", round(cm.when() - t0, 1), "expired:", cm.expired())
    try:
        cm.reschedule(t0 + 1)
    except RuntimeError as e:
        print("RuntimeError:", e)
    await asyncio.sleep(0.2)
    async with cm as entered:
        print("entered is cm:", entered is cm, "when:", round(cm.when() - t0, 1))
        try:
            async with cm:
                pass
        except RuntimeError as e:
            print("RuntimeError:", e)
        cm.reschedule(loop.time() + 0.5)
        print("rescheduled, when:", round(cm.when() - t0, 1))
        await asyncio.sleep(0.3)
        print("still inside at", round(loop.time() - t0, 1), "expired:", cm.expired())
    print("left at", round(loop.time() - t0, 1), "expired:", cm.expired())
    try:
        cm.reschedule(None)
    except RuntimeError as e:
        print("RuntimeError:", e)
    try:
        async with cm:
            pass
    except RuntimeError as e:
        print("RuntimeError:", e)

    # A deadline passed before entry fires in the first iteration after __aenter__.
    late = asyncio.timeout(0.1)
    await asyncio.sleep(0.2)
    try:
        async with late:
            print("late entered, when passed:", late.when() < loop.time())
            await asyncio.sleep(1)
    except TimeoutError as e:
        print("TimeoutError at", round(loop.time() - t0, 1), "expired:", late.expired(), "cause:", type(e.__cause__).__name__)
    print("late:", late)

    # reschedule(None) inside removes the deadline; timeout_at(None) has none.
    never = asyncio.timeout_at(None)
    async with never:
        never.reschedule(loop.time() + 0.1)
        never.reschedule(None)
        await asyncio.sleep(0.2)
    print("never:", never, "expired:", never.expired(), "when:", never.when())


asyncio.run(main())
