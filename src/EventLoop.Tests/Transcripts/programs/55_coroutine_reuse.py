# A coroutine runs once: a second await, or a task over a coroutine already awaited, raises
# RuntimeError; a task cancelled before its first step never starts its coroutine.
import asyncio


async def child():
    print("child runs")
    await asyncio.sleep(0)
    return 1


async def main():
    loop = asyncio.get_running_loop()
    c = child()
    print("first await:", await c)
    try:
        await c
    except RuntimeError as e:
        print("second await:", type(e).__name__, e)
    t = loop.create_task(c)
    try:
        await t
    except RuntimeError as e:
        print("task over it:", type(e).__name__, e)

    c2 = child()
    t2 = loop.create_task(c2)
    await asyncio.sleep(0)
    try:
        await c2
    except RuntimeError as e:
        print("await while its task runs it:", type(e).__name__, e)
    print("its task:", await t2)

    c3 = child()
    t3 = loop.create_task(c3)
    t3.cancel()
    try:
        await t3
    except asyncio.CancelledError:
        print("cancelled before it started:", t3.cancelled())
    try:
        await c3
    except RuntimeError as e:
        print("await after that:", type(e).__name__, e)


asyncio.run(main())
