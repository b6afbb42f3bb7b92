# Rule: wait() counts a duplicated future once; with everything already done it still takes two loop iterations; an empty set is a ValueError.
import asyncio


async def ticker():
    for i in range(4):
        print("tick", i)
        await asyncio.sleep(0)


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    f.set_result(1)
    g = loop.create_future()
    g.set_result(2)
    t = asyncio.create_task(ticker())
    print("calling wait")
    done, pending = await asyncio.wait([f, f, g])
    print("wait returned: done", len(done), "pending", len(pending))
    await t
    try:
        await asyncio.wait([])
    except ValueError as e:
        print("ValueError:", e)
    h = loop.create_future()
    done, pending = await asyncio.wait([f, h], timeout=0)
    print("timeout=0: done", len(done), "pending", len(pending), "h cancelled:", h.cancelled())


asyncio.run(main())
