# Rule: shield() of a done future returns that future; cancelling the shield leaves the inner running; cancelling the inner cancels the shield.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    done.set_result("already")
    print("shield(done) is done:", asyncio.shield(done) is done)
    inner = loop.create_future()
    outer = asyncio.shield(inner)
    print("outer is inner:", outer is inner)
    print("outer.cancel() ->", outer.cancel())
    await asyncio.sleep(0)
    print("inner cancelled:", inner.cancelled(), "outer cancelled:", outer.cancelled())
    inner.set_result(5)
    await asyncio.sleep(0)
    print("inner result:", inner.result())
    inner2 = loop.create_future()
    outer2 = asyncio.shield(inner2)
    inner2.cancel()
    try:
        await outer2
    except asyncio.CancelledError:
        print("inner cancelled -> shield cancelled:", outer2.cancelled())


asyncio.run(main())
