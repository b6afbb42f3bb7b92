# Rule: a task that awaits itself with a cancellation pending gets the pending CancelledError,
# not "Task cannot await on itself" (__step replaces any other error by the cancellation).
import asyncio


async def main():
    async def selfish():
        me = asyncio.current_task()
        me.cancel("m1")
        try:
            await me
        except asyncio.CancelledError as e:
            print("selfish got CancelledError", e.args)
            return "swallowed"
        except RuntimeError as e:
            print("selfish got RuntimeError")
            return "runtime"

    t = asyncio.create_task(selfish())
    print("result:", await t, "cancelled:", t.cancelled())

    async def plain():
        try:
            await asyncio.current_task()
        except RuntimeError as e:
            print("plain got RuntimeError:", str(e).split(":")[0])

    await asyncio.create_task(plain())


asyncio.run(main())
