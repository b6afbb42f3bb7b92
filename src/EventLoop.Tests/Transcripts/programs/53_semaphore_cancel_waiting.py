# Rule: Semaphore waiters cancelled while waiting leave the line; the permits go to the next live waiters in order.
import asyncio


async def waiter(sem, name):
    try:
        async with sem:
            print(name, "in")
            await asyncio.sleep(0.1)
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise


async def main():
    sem = asyncio.Semaphore(1)
    tasks = {n: asyncio.create_task(waiter(sem, n)) for n in ("a", "b", "c", "d")}
    await asyncio.sleep(0)
    tasks["b"].cancel()
    tasks["c"].cancel()
    await asyncio.gather(*tasks.values(), return_exceptions=True)
    print([n for n, t in tasks.items() if t.cancelled()], "value locked:", sem.locked())


asyncio.run(main())
