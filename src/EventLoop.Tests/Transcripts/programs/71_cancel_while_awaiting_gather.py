# Rule: cancelling a task that awaits gather cancels every child with the message, and the task raises CancelledError.
import asyncio


async def child(name, d):
    try:
        await asyncio.sleep(d)
        return name
    except asyncio.CancelledError as e:
        print(name, "cancelled", e.args)
        raise


async def parent(children):
    try:
        return await asyncio.gather(*children)
    except asyncio.CancelledError as e:
        print("parent got", e.args)
        raise


async def main():
    kids = [asyncio.create_task(child(n, d)) for n, d in [("a", 0.1), ("b", 1), ("c", 2)]]
    p = asyncio.create_task(parent(kids))
    await asyncio.sleep(0.2)
    print("cancel parent ->", p.cancel("shutdown"))
    try:
        await p
    except asyncio.CancelledError:
        print("parent cancelled:", p.cancelled())
    print([k.cancelled() for k in kids], kids[0].result())


asyncio.run(main())
