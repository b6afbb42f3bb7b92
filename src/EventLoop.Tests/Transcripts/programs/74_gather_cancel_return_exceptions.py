# Rule: with return_exceptions=True a cancelled child becomes a CancelledError in the list, but cancelling the gather itself still raises.
import asyncio


async def child(name, d):
    await asyncio.sleep(d)
    return name


async def main():
    a = asyncio.create_task(child("a", 0.1))
    b = asyncio.create_task(child("b", 0.2))
    g = asyncio.gather(a, b, return_exceptions=True)
    await asyncio.sleep(0)
    b.cancel()
    res = await g
    print("child cancelled:", [type(x).__name__ for x in res])
    c = asyncio.create_task(child("c", 0.1))
    d = asyncio.create_task(child("d", 0.2))
    g2 = asyncio.gather(c, d, return_exceptions=True)
    await asyncio.sleep(0)
    print("g2.cancel() ->", g2.cancel())
    try:
        print("not printed", await g2)
    except asyncio.CancelledError:
        print("outer cancelled: CancelledError raised")
    print("c, d cancelled:", c.cancelled(), d.cancelled(), "g2 cancelled:", g2.cancelled())


asyncio.run(main())
