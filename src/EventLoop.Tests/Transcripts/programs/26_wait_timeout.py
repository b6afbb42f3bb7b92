# Rule: wait with a timeout returns (done, pending) without cancelling the pending tasks.
import asyncio


async def job(name, delay):
    await asyncio.sleep(delay)
    print(name, "finished")
    return name


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    ts = [asyncio.create_task(job("fast", 0.01)), asyncio.create_task(job("slow", 0.05))]
    done, pending = await asyncio.wait(ts, timeout=0.02)
    print("timeout after", round(loop.time() - t0, 2), "done", len(done), "pending", len(pending))
    print("slow cancelled:", ts[1].cancelled(), "done:", ts[1].done())
    print("slow result:", await ts[1], "at", round(loop.time() - t0, 2))
    done, pending = await asyncio.wait(ts, timeout=0.02)
    print("all done already: done", len(done), "pending", len(pending), "at", round(loop.time() - t0, 2))


asyncio.run(main())
