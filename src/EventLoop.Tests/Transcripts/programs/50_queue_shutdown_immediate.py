# Python 3.13: Queue.shutdown(immediate=True) is new in 3.13; record with PYENV_VERSION=3.13.0 python3.
# Rule: shutdown(immediate=True) drops the items left, counts each as done (join returns), and get raises at once.
import asyncio


async def main():
    q = asyncio.Queue()
    for i in range(3):
        q.put_nowait(i)
    print("got", q.get_nowait())
    joiner = asyncio.create_task(q.join())
    await asyncio.sleep(0)
    print("join done before:", joiner.done())
    q.shutdown(immediate=True)
    print("qsize:", q.qsize())
    try:
        q.get_nowait()
    except asyncio.QueueShutDown:
        print("get_nowait: QueueShutDown")
    await asyncio.sleep(0)
    print("join done after:", joiner.done())
    q.task_done()
    await q.join()
    print("joined")


asyncio.run(main())
