# Rule: Condition.notify(n) wakes the first n waiters in FIFO order; each returns holding the lock.
import asyncio


async def consumer(cond, name, items):
    async with cond:
        print(name, "waits")
        await cond.wait_for(lambda: items)
        print(name, "got", items.pop(0))


async def main():
    cond = asyncio.Condition()
    items = []
    tasks = [asyncio.create_task(consumer(cond, n, items)) for n in ("a", "b", "c", "d")]
    await asyncio.sleep(0)
    async with cond:
        items.append(1)
        cond.notify()
    await asyncio.sleep(0.01)
    async with cond:
        items.extend([2, 3])
        cond.notify(2)
    await asyncio.sleep(0.01)
    async with cond:
        items.append(4)
        cond.notify_all()
    await asyncio.gather(*tasks)
    try:
        cond.notify()
    except RuntimeError as exc:
        print("RuntimeError:", exc)
    try:
        await cond.wait()
    except RuntimeError as exc:
        print("RuntimeError:", exc)


asyncio.run(main())
