# Rule: a task cancelled with a message wakes every awaiter with CancelledError; the message goes to the first one, the rest get none.
import asyncio


async def victim():
    await asyncio.sleep(10)


async def waiter(name, t):
    try:
        await t
    except asyncio.CancelledError as e:
        print(name, "got CancelledError", e.args)


async def main():
    t = asyncio.create_task(victim())
    ws = [asyncio.create_task(waiter(n, t)) for n in ("w1", "w2", "w3")]
    await asyncio.sleep(0)
    t.cancel("bye")
    await asyncio.gather(*ws)
    print("victim cancelled:", t.cancelled())
    try:
        t.result()
    except asyncio.CancelledError as e:
        print("result() afterwards", e.args)


asyncio.run(main())
