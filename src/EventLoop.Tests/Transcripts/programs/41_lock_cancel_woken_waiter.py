# Rule: a Lock waiter cancelled after release() woke it passes the wake-up to the next waiter.
import asyncio


async def waiter(lock, name):
    try:
        await lock.acquire()
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise
    print(name, "acquired")
    lock.release()


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    b = asyncio.create_task(waiter(lock, "b"))
    c = asyncio.create_task(waiter(lock, "c"))
    await asyncio.sleep(0)
    lock.release()          # wakes b
    b.cancel()              # ...but b is cancelled before it runs
    print("released; b cancelled before resuming")
    await asyncio.gather(b, c, return_exceptions=True)
    print("b cancelled:", b.cancelled(), "c done:", c.done(), "locked:", lock.locked())

    # a waiter cancelled while still waiting simply leaves the line
    await lock.acquire()
    d = asyncio.create_task(waiter(lock, "d"))
    e = asyncio.create_task(waiter(lock, "e"))
    await asyncio.sleep(0)
    d.cancel()
    await asyncio.sleep(0)
    lock.release()
    await asyncio.gather(d, e, return_exceptions=True)
    print("d cancelled:", d.cancelled(), "locked:", lock.locked())
    try:
        lock.release()
    except RuntimeError as exc:
        print("RuntimeError:", exc)


asyncio.run(main())
