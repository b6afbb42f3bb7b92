# Rule: a task woken by a future that failed with a CancelledError, and cancelled again before it
# resumes, gets that CancelledError (the error to throw is already a cancellation), not a new one.
import asyncio


async def main():
    loop = asyncio.get_running_loop()

    async def child():
        await asyncio.sleep(1)

    c = asyncio.create_task(child())
    g = asyncio.gather(c)

    async def waiter():
        try:
            await g
        except asyncio.CancelledError as e:
            print("waiter got CancelledError", e.args)
            raise

    w = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    c.cancel("m1")
    await asyncio.sleep(0)
    print("gather done:", g.done(), "cancelled:", g.cancelled())
    print("cancel waiter:", w.cancel("m3"))
    try:
        await w
    except asyncio.CancelledError as e:
        print("main got CancelledError", e.args)


asyncio.run(main())
