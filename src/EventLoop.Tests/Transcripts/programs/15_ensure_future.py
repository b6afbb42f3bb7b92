# Rule: ensure_future wraps a coroutine in a new task and returns a future/task unchanged.
import asyncio


async def coro():
    print("coro runs")
    return 7


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    print("future returned as is:", asyncio.ensure_future(f) is f)
    t = asyncio.create_task(coro())
    print("task returned as is:", asyncio.ensure_future(t) is t)
    t2 = asyncio.ensure_future(coro())
    print("coroutine becomes a Task:", isinstance(t2, asyncio.Task))
    print("started inline:", t2.done())
    print("results:", await t, await t2)
    f.set_result("f")
    print("future result:", await f)


asyncio.run(main())
