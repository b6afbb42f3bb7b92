# Rule: a task that cancels itself during its first step is interrupted at its next await, or ends cancelled if it returns first.
import asyncio


async def self_cancel_then_await():
    print("A starts, cancel ->", asyncio.current_task().cancel("self"))
    print("A still runs until it awaits")
    try:
        await asyncio.sleep(0)
    except asyncio.CancelledError as e:
        print("A got CancelledError", e.args)
        raise


async def self_cancel_then_return():
    asyncio.current_task().cancel()
    print("B returns without awaiting")
    return "B value"


async def main():
    a = asyncio.create_task(self_cancel_then_await())
    b = asyncio.create_task(self_cancel_then_return())
    await asyncio.sleep(0)
    print("after one iteration: a done", a.done(), "b done", b.done())
    await asyncio.sleep(0)
    print("a cancelled:", a.cancelled(), "b cancelled:", b.cancelled())


asyncio.run(main())
