# Rule: wait(FIRST_EXCEPTION) does not count a cancelled task as an exception; it returns at the first real failure.
import asyncio


async def job(d, fail=False):
    await asyncio.sleep(d)
    if fail:
        raise ValueError("job failed")
    return d


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    a = asyncio.create_task(job(1))
    b = asyncio.create_task(job(0.3, fail=True))
    c = asyncio.create_task(job(2))
    await asyncio.sleep(0.1)
    a.cancel()
    done, pending = await asyncio.wait([a, b, c], return_when=asyncio.FIRST_EXCEPTION)
    print("returned at", round(loop.time() - t0, 1), "done", len(done), "pending", len(pending))
    print("a in done:", a in done, "b in done:", b in done, "c pending:", c in pending)
    print("b exception:", repr(b.exception()))
    c.cancel()
    done, pending = await asyncio.wait([a, c], return_when=asyncio.FIRST_EXCEPTION)
    print("only cancelled:", len(done), len(pending), round(loop.time() - t0, 1))


asyncio.run(main())
