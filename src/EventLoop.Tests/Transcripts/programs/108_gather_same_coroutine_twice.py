# Rule: gather given the same coroutine object (or the same future) twice makes one child and
# returns its result in both places (asyncio's arg_to_fut).
import asyncio


async def work():
    print("work runs")
    await asyncio.sleep(0)
    return 7


async def main():
    c = work()
    print(await asyncio.gather(c, c))
    d = work()
    print(await asyncio.gather(d, work(), d))
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    loop.call_soon(f.set_result, "f")
    print(await asyncio.gather(f, f))
    print("tasks left:", len(asyncio.all_tasks()))


asyncio.run(main())
