# Rule: a cancelled gather(return_exceptions=True) raises the CancelledError made by its LAST
# child in argument order (asyncio's loop variable), CancelledError() when that child was not
# cancelled, whichever child completed last.
import asyncio


async def main():
    async def quick():
        return "q"

    async def slow():
        await asyncio.sleep(1)
        return "s"

    ts = asyncio.create_task(slow())
    tq = asyncio.create_task(quick())
    g = asyncio.gather(ts, tq, return_exceptions=True)
    await asyncio.sleep(0)
    print("quick done:", tq.done(), "slow done:", ts.done())
    print("cancel:", g.cancel("m1"))
    try:
        await g
    except asyncio.CancelledError as e:
        print("gather raised CancelledError", e.args)
    print("slow cancelled:", ts.cancelled(), "quick result:", tq.result())

    ts2 = asyncio.create_task(slow())
    tq2 = asyncio.create_task(quick())
    g2 = asyncio.gather(tq2, ts2, return_exceptions=True)
    await asyncio.sleep(0)
    print("cancel:", g2.cancel("m2"))
    try:
        await g2
    except asyncio.CancelledError as e:
        print("gather raised CancelledError", e.args)


asyncio.run(main())
