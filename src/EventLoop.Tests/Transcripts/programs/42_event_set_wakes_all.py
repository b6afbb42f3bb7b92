# Rule: Event.set() wakes every waiter in the order they waited; wait() on a set event returns at once.
import asyncio


async def waiter(ev, name):
    print(name, "waiting")
    r = await ev.wait()
    print(name, "woke", r)


async def main():
    ev = asyncio.Event()
    tasks = [asyncio.create_task(waiter(ev, n)) for n in ("a", "b", "c")]
    await asyncio.sleep(0)
    print("is_set:", ev.is_set())
    ev.set()
    ev.clear()
    print("set then cleared:", ev.is_set())
    await asyncio.gather(*tasks)
    ev.set()
    print("wait on set event:", await ev.wait())
    t = asyncio.create_task(waiter(ev, "d"))
    await t
    ev.clear()
    t = asyncio.create_task(waiter(ev, "e"))
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("e cancelled while waiting")


asyncio.run(main())
