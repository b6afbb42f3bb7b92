# Rule: cancelling a task inside wait_for raises CancelledError, not TimeoutError; wait_for(task, None) waits forever and cancels the task with it.
import asyncio


async def work(name, d):
    try:
        await asyncio.sleep(d)
        return name
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise


async def caller(aw, timeout):
    try:
        return await asyncio.wait_for(aw, timeout)
    except TimeoutError:
        print("caller: TimeoutError")
    except asyncio.CancelledError:
        print("caller: CancelledError")
        raise


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    c = asyncio.create_task(caller(work("w1", 1), 0.5))
    await asyncio.sleep(0.2)
    c.cancel()
    await asyncio.gather(c, return_exceptions=True)
    print("c cancelled:", c.cancelled(), "at", round(loop.time() - t0, 1))
    inner = asyncio.create_task(work("w2", 5))
    c2 = asyncio.create_task(caller(inner, None))
    await asyncio.sleep(3)
    print("after 3s inner done:", inner.done())
    c2.cancel()
    await asyncio.gather(c2, return_exceptions=True)
    print("inner cancelled:", inner.cancelled(), "at", round(loop.time() - t0, 1))
    print(await asyncio.wait_for(work("w3", 0.1), None))


asyncio.run(main())
