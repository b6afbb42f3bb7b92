# Rule: a cancel message set on a future reaches the task awaiting it, and through it the task awaiting that task.
import asyncio


async def inner(fut):
    try:
        await fut
    except asyncio.CancelledError as e:
        print("inner got", e.args)
        raise


async def outer(t):
    try:
        await t
    except asyncio.CancelledError as e:
        print("outer got", e.args)
        raise


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    it = asyncio.create_task(inner(fut))
    ot = asyncio.create_task(outer(it))
    await asyncio.sleep(0)
    print("fut.cancel('from fut') ->", fut.cancel("from fut"))
    try:
        await ot
    except asyncio.CancelledError as e:
        print("main got", e.args)
    print("states:", fut.cancelled(), it.cancelled(), ot.cancelled())


asyncio.run(main())
