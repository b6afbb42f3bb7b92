# Rule: LifoQueue returns the newest item first, PriorityQueue the lowest.
import asyncio


async def main():
    lq = asyncio.LifoQueue()
    for i in (1, 2, 3):
        await lq.put(i)
    print("lifo:", [lq.get_nowait() for _ in range(3)])
    pq = asyncio.PriorityQueue()
    for i in (5, 1, 4, 2, 3):
        pq.put_nowait(i)
    print("priority:", [await pq.get() for _ in range(5)])

    pq = asyncio.PriorityQueue(maxsize=2)
    async def consume():
        for _ in range(4):
            print("consumed", await pq.get())
            await asyncio.sleep(0)
    c = asyncio.create_task(consume())
    for i in (9, 3, 7, 1):
        await pq.put(i)
        print("put", i)
    await c


asyncio.run(main())
