# Rule: an exception in the TaskGroup body cancels the children and comes out inside the ExceptionGroup, with the children's own errors.
import asyncio


async def main():
    async def child(name, d, fail=False):
        try:
            await asyncio.sleep(d)
        except asyncio.CancelledError:
            print(name, "cancelled")
            raise
        if fail:
            raise ValueError(name)
        print(name, "finished")

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("c1", 1))
            tg.create_task(child("c2", 0.1))
            await asyncio.sleep(0.2)
            raise KeyError("body")
    except* KeyError as eg:
        print("KeyError part:", [repr(e) for e in eg.exceptions])
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("c3", 0.1, fail=True))
            await asyncio.sleep(1)
            print("body not reached")
    except ExceptionGroup as eg:
        print("group:", eg.message, sorted(repr(e) for e in eg.exceptions))


asyncio.run(main())
