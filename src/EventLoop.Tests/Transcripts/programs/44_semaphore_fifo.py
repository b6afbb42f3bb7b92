# Rule: Semaphore(2) lets two workers in at a time, in FIFO order.
import asyncio


async def worker(sem, name, duration, t0):
    async with sem:
        loop = asyncio.get_running_loop()
        print(f"{loop.time() - t0:.2f}", name, "in")
        await asyncio.sleep(duration)
        print(f"{loop.time() - t0:.2f}", name, "out")


async def main():
    sem = asyncio.Semaphore(2)
    t0 = asyncio.get_running_loop().time()
    jobs = [("a", 0.35), ("b", 0.1), ("c", 0.2), ("d", 0.1), ("e", 0.1)]
    tasks = [asyncio.create_task(worker(sem, n, d, t0)) for n, d in jobs]
    await asyncio.sleep(0)
    print("locked:", sem.locked())
    await asyncio.gather(*tasks)
    print("locked:", sem.locked())
    try:
        asyncio.Semaphore(-1)
    except ValueError as exc:
        print("ValueError:", exc)


asyncio.run(main())
