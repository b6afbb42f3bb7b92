# Rule: gather returns results in argument order; return_exceptions=True puts exceptions in the list; gather() is [].
import asyncio


async def job(name, delay):
    await asyncio.sleep(delay)
    print("finished", name)
    return name


async def fail(delay):
    await asyncio.sleep(delay)
    print("failing")
    raise ValueError("bad")


async def main():
    print(await asyncio.gather(job("slow", 0.03), job("fast", 0.01), job("mid", 0.02)))
    res = await asyncio.gather(job("a", 0.02), fail(0.01), job("b", 0), return_exceptions=True)
    print([type(x).__name__ for x in res])
    print("exception message:", res[1])
    print("empty gather:", await asyncio.gather())


asyncio.run(main())
