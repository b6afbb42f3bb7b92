# Rule: gather lists a duplicated awaitable twice; an already-failed child with all others done makes gather done at once.
import asyncio


async def val(x):
    await asyncio.sleep(0.1)
    return x


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(val(1))
    u = asyncio.create_task(val(2))
    print("duplicates:", await asyncio.gather(t, u, t))
    bad = loop.create_future()
    bad.set_exception(ValueError("early"))
    ok = loop.create_future()
    ok.set_result("fine")
    g = asyncio.gather(ok, bad)
    print("gather of done futures is done at once:", g.done())
    try:
        await g
    except ValueError as e:
        print("raised", repr(e))
    pending = loop.create_future()
    g2 = asyncio.gather(bad, pending)
    print("with a pending child, done:", g2.done())
    await asyncio.sleep(0)
    print("after one iteration, done:", g2.done(), "exception:", repr(g2.exception()))
    pending.cancel()
    print("empty gather:", await asyncio.gather())


asyncio.run(main())
