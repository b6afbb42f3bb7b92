# Rule: a TaskGroup child failing after the body ended cancels the other children, and the group raises an ExceptionGroup at exit.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()

    async def sleeper(name, d):
        try:
            await asyncio.sleep(d)
            print(name, "finished")
        except asyncio.CancelledError:
            print(name, "cancelled at", round(loop.time() - t0, 1))
            raise

    async def failer():
        await asyncio.sleep(0.3)
        raise KeyError("late")

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(sleeper("quick", 0.1))
            tg.create_task(failer())
            tg.create_task(sleeper("slow", 1))
            print("body ends at", round(loop.time() - t0, 1))
    except* KeyError as eg:
        print("ExceptionGroup:", [repr(e) for e in eg.exceptions], "at", round(loop.time() - t0, 1))
    print("main cancelling:", asyncio.current_task().cancelling())


asyncio.run(main())
