# Rule: asyncio.wait honours FIRST_COMPLETED, FIRST_EXCEPTION and ALL_COMPLETED.
import asyncio


async def job(delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise ValueError("failed")
    return delay


def names(tasks):
    return sorted(t.get_name() for t in tasks)


async def main():
    ts = [asyncio.create_task(job(d), name=f"j{d}") for d in (0.03, 0.01, 0.02)]
    done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_COMPLETED)
    print("FIRST_COMPLETED done", names(done), "pending", names(pending))
    done, pending = await asyncio.wait(ts, return_when=asyncio.ALL_COMPLETED)
    print("ALL_COMPLETED done", names(done), "pending", names(pending))

    ts = [asyncio.create_task(job(0.01), name="ok"),
          asyncio.create_task(job(0.02, fail=True), name="bad"),
          asyncio.create_task(job(0.04), name="slow")]
    done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_EXCEPTION)
    print("FIRST_EXCEPTION done", names(done), "pending", names(pending))
    print("bad exception:", type(ts[1].exception()).__name__, "ok result:", ts[0].result())
    await asyncio.wait(pending)
    print("slow result:", ts[2].result())


asyncio.run(main())
