# Rule: a bounded Queue blocks put() when full and get() when empty; FIFO order throughout.
import asyncio


async def producer(q, n):
    for i in range(n):
        await q.put(i)
        print("put", i, "qsize", q.qsize(), "full", q.full())
    await q.put(None)


async def consumer(q):
    while True:
        item = await q.get()
        if item is None:
            print("consumer done")
            return
        print("got", item)
        await asyncio.sleep(0.01)


async def main():
    q = asyncio.Queue(maxsize=2)
    t0 = asyncio.get_running_loop().time()
    print("maxsize", q.maxsize, "empty", q.empty())
    await asyncio.gather(producer(q, 5), consumer(q))
    print("empty", q.empty(), "time", round(asyncio.get_running_loop().time() - t0, 2))


asyncio.run(main())
