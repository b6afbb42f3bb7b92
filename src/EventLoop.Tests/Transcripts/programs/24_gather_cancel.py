# Rule: cancelling a gather cancels its children; a cancelled child makes gather raise CancelledError.
import asyncio


async def child(name):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise


async def main():
    a = asyncio.create_task(child("a"))
    b = asyncio.create_task(child("b"))
    g = asyncio.gather(a, b)
    await asyncio.sleep(0)
    print("g.cancel() ->", g.cancel())
    try:
        await g
    except asyncio.CancelledError:
        print("gather raised CancelledError")
    print("a cancelled:", a.cancelled(), "b cancelled:", b.cancelled())

    c = asyncio.create_task(child("c"))
    d = asyncio.create_task(child("d"))
    g2 = asyncio.gather(c, d)
    await asyncio.sleep(0)
    c.cancel()
    try:
        await g2
    except asyncio.CancelledError:
        print("gather raised CancelledError after a child was cancelled")
    print("d still pending:", not d.done())
    d.cancel()
    await asyncio.sleep(0)
    print("d cancelled:", d.cancelled())


asyncio.run(main())
