# A coroutine object runs none of its body until it is awaited or a task takes it; awaiting it
# runs it inline, in the awaiting task's step, while a task over it starts in the next iteration.
import asyncio

log = []


async def child(name, delay):
    print(name, "starts in", asyncio.current_task().get_name())
    await asyncio.sleep(delay)
    print(name, "resumes at", round(asyncio.get_running_loop().time() - start, 2))
    return name.upper()


async def fails():
    await asyncio.sleep(0)
    raise ValueError("bad value")


async def main():
    global start
    loop = asyncio.get_running_loop()
    start = loop.time()
    coro = child("inline", 0.5)
    print("made, nothing ran yet")
    task = loop.create_task(child("task", 0.25), name="worker")
    print("task made, done:", task.done())
    print("awaited:", await coro)
    print("task result:", await task)
    try:
        await fails()
    except ValueError as e:
        print("caught", type(e).__name__, e)
    t = asyncio.ensure_future(fails())
    try:
        await t
    except ValueError as e:
        print("task failed with", type(e).__name__, e, t.done())
    print("gathered:", await asyncio.gather(child("g1", 0.1), child("g2", 0.05)))


asyncio.run(main())
