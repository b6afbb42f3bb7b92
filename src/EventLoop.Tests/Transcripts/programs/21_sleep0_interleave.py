# Rule: sleep(0) yields for exactly one iteration, so two tasks interleave strictly.
import asyncio


async def worker(name, steps):
    for i in range(steps):
        print(name, i)
        await asyncio.sleep(0)
    print(name, "finished")


async def main():
    a = asyncio.create_task(worker("A", 4))
    b = asyncio.create_task(worker("B", 2))
    await a
    await b


asyncio.run(main())
