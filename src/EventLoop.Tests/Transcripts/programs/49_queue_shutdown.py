# Python 3.13: Queue.shutdown() is new in 3.13; record with PYENV_VERSION=3.13.0 python3.
# Rule: after shutdown(), put raises QueueShutDown at once, get drains the items left, then raises; blocked getters wake and raise.
import asyncio


async def getter(q, name):
    try:
        while True:
            print(name, "got", await q.get())
    except asyncio.QueueShutDown:
        print(name, "QueueShutDown")


async def main():
    q = asyncio.Queue()
    tasks = [asyncio.create_task(getter(q, n)) for n in ("g1", "g2")]
    await asyncio.sleep(0)
    q.put_nowait(1)
    await asyncio.sleep(0)
    q.shutdown()
    try:
        q.put_nowait(2)
    except asyncio.QueueShutDown:
        print("put_nowait: QueueShutDown")
    await asyncio.gather(*tasks)

    q = asyncio.Queue(maxsize=1)
    q.put_nowait("a")
    blocked = asyncio.create_task(q.put("b"))
    await asyncio.sleep(0)
    q.shutdown()
    try:
        await blocked
    except asyncio.QueueShutDown:
        print("blocked put: QueueShutDown")
    print("left:", q.get_nowait())
    try:
        q.get_nowait()
    except asyncio.QueueShutDown:
        print("get_nowait: QueueShutDown")


asyncio.run(main())
