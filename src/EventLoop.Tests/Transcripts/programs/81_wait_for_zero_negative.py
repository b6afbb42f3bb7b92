# Rule: wait_for with timeout <= 0 never starts a coroutine; a pending task that swallows the cancel gives its value; a done future gives its result.
import asyncio


async def never_runs():
    print("never printed")
    return "x"


async def swallower():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("swallower swallowed")
    return "swallowed value"


async def main():
    loop = asyncio.get_running_loop()
    try:
        await asyncio.wait_for(never_runs(), 0)
    except TimeoutError:
        print("coroutine with timeout 0: TimeoutError")
    s = asyncio.create_task(swallower())
    await asyncio.sleep(0)
    print("task that swallows, timeout -1:", await asyncio.wait_for(s, -1))
    f = loop.create_future()
    f.set_result("ready")
    print("done future, timeout 0:", await asyncio.wait_for(f, 0))
    g = loop.create_future()
    try:
        await asyncio.wait_for(g, -0.5)
    except TimeoutError:
        print("pending future, timeout -0.5: TimeoutError, cancelled:", g.cancelled())


asyncio.run(main())
