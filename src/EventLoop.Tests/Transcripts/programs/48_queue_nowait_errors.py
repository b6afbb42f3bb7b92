# Rule: put_nowait on a full queue raises QueueFull, get_nowait on an empty one QueueEmpty; cancelled getters leave no trace.
import asyncio


async def main():
    q = asyncio.Queue(maxsize=1)
    try:
        q.get_nowait()
    except asyncio.QueueEmpty:
        print("QueueEmpty")
    q.put_nowait("x")
    try:
        q.put_nowait("y")
    except asyncio.QueueFull:
        print("QueueFull")
    print(q.get_nowait(), q.qsize())

    getter = asyncio.create_task(q.get())
    await asyncio.sleep(0)
    getter.cancel()
    await asyncio.sleep(0)
    print("getter cancelled:", getter.cancelled())
    q.put_nowait("z")
    print("item still there:", q.qsize(), q.get_nowait())

    # a getter woken by put_nowait but cancelled before it runs passes the item on
    g1 = asyncio.create_task(q.get())
    g2 = asyncio.create_task(q.get())
    await asyncio.sleep(0)
    q.put_nowait("w")
    g1.cancel()
    print("g2 got:", await g2, "g1 cancelled:", g1.cancelled())


asyncio.run(main())
