# Rule: when the task awaiting shield() is cancelled, the inner task runs on, and its later failure is kept for whoever awaits it.
import asyncio


async def inner_job(loop, t0):
    await asyncio.sleep(0.3)
    print("inner fails at", round(loop.time() - t0, 1))
    raise ValueError("inner failed")


async def waiter(inner):
    try:
        await asyncio.shield(inner)
    except asyncio.CancelledError:
        print("waiter cancelled, inner done:", inner.done())
        raise


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    inner = asyncio.create_task(inner_job(loop, t0))
    w = asyncio.create_task(waiter(inner))
    await asyncio.sleep(0.1)
    w.cancel()
    await asyncio.gather(w, return_exceptions=True)
    print("w cancelled:", w.cancelled())
    try:
        await inner
    except ValueError as e:
        print("main got", repr(e), "at", round(loop.time() - t0, 1))


asyncio.run(main())
