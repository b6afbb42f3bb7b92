# Rule: BoundedSemaphore refuses a release above its initial value; a woken-then-cancelled waiter gives its permit back.
import asyncio


async def waiter(sem, name):
    try:
        await sem.acquire()
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise
    print(name, "acquired")


async def main():
    sem = asyncio.BoundedSemaphore(1)
    await sem.acquire()
    b = asyncio.create_task(waiter(sem, "b"))
    c = asyncio.create_task(waiter(sem, "c"))
    await asyncio.sleep(0)
    sem.release()   # hands the permit to b
    b.cancel()      # b gives it back and wakes c
    await asyncio.gather(b, c, return_exceptions=True)
    print("c done:", c.done(), "locked:", sem.locked())
    sem.release()
    print("locked after release:", sem.locked())
    try:
        sem.release()
    except ValueError as exc:
        print("ValueError:", exc)


asyncio.run(main())
