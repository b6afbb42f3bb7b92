# Rule: join() returns once task_done() was called for every item put; task_done() too often is an error.
import asyncio


async def worker(q, name):
    while True:
        item = await q.get()
        await asyncio.sleep(item / 10)
        print(name, "processed", item)
        q.task_done()


async def main():
    q = asyncio.Queue()
    t0 = asyncio.get_running_loop().time()
    for i in (3, 1, 2, 1):
        q.put_nowait(i)
    workers = [asyncio.create_task(worker(q, n)) for n in ("w1", "w2")]
    await q.join()
    print("joined at", round(asyncio.get_running_loop().time() - t0, 1))
    for w in workers:
        w.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    await q.join()
    print("join on a finished queue returns at once")
    try:
        q.task_done()
    except ValueError as exc:
        print("ValueError:", exc)


asyncio.run(main())
