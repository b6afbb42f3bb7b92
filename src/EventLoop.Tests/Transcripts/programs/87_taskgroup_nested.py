# Rule: a failure in an inner TaskGroup cancels its siblings, propagates as an ExceptionGroup that the outer group wraps in its own.
import asyncio


async def main():
    loop = asyncio.get_running_loop()

    async def child(name, d, fail=False):
        try:
            await asyncio.sleep(d)
        except asyncio.CancelledError:
            print(name, "cancelled")
            raise
        if fail:
            raise ValueError(name)
        print(name, "finished")

    async def inner_group():
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("inner-a", 1))
            tg.create_task(child("inner-bad", 0.2, fail=True))

    try:
        async with asyncio.TaskGroup() as outer:
            outer.create_task(child("outer-a", 0.1))
            outer.create_task(inner_group())
            outer.create_task(child("outer-b", 2))
    except ExceptionGroup as eg:
        print("outer:", eg.message, len(eg.exceptions))
        inner = eg.exceptions[0]
        print("inner:", type(inner).__name__, inner.message, [repr(e) for e in inner.exceptions])
    print("cancelling:", asyncio.current_task().cancelling())


asyncio.run(main())
