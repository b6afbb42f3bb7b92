# Rule: Lock waiters acquire in FIFO order; a newcomer queues behind a woken waiter.
import asyncio


async def worker(lock, name, log):
    print(name, "wants the lock")
    async with lock:
        print(name, "holds the lock")
        await asyncio.sleep(0.1)
        print(name, "releases")


async def main():
    lock = asyncio.Lock()
    log = []
    t0 = asyncio.get_running_loop().time()
    tasks = [asyncio.create_task(worker(lock, n, log)) for n in ("a", "b", "c")]
    await asyncio.sleep(0)
    print("locked:", lock.locked())
    await asyncio.sleep(0.15)
    # b was woken by a's release; a newcomer must wait behind c
    tasks.append(asyncio.create_task(worker(lock, "late", log)))
    await asyncio.gather(*tasks)
    print("locked:", lock.locked(), "time:", round(asyncio.get_running_loop().time() - t0, 1))


asyncio.run(main())
