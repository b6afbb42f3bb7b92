# Rule: Barrier(3) releases its waiters together once three wait; each gets its arrival index; abort breaks it.
import asyncio


async def party(b, name, delay):
    await asyncio.sleep(delay)
    print(name, "arrives, n_waiting", b.n_waiting)
    index = await b.wait()
    print(name, "passes with index", index)


async def main():
    b = asyncio.Barrier(3)
    await asyncio.gather(party(b, "a", 0.1), party(b, "b", 0.2), party(b, "c", 0.3))
    print("n_waiting", b.n_waiting, "broken", b.broken)

    async def stuck(name):
        try:
            await b.wait()
        except asyncio.BrokenBarrierError as exc:
            print(name, "BrokenBarrierError:", exc)
    t = asyncio.create_task(stuck("d"))
    await asyncio.sleep(0)
    await b.abort()
    await t
    await stuck("e")
    try:
        asyncio.Barrier(0)
    except ValueError as exc:
        print("ValueError:", exc)


asyncio.run(main())
