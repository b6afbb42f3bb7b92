# Rule: cancelling one of two tasks that await each other recurses through cancel(); asyncio
# raises RecursionError out of cancel(), both tasks stay pending (cancelling), and the loop goes on.
import asyncio


async def main():
    tasks = {}

    async def a():
        await tasks["b"]

    async def b():
        await tasks["a"]

    tasks["a"] = asyncio.create_task(a())
    tasks["b"] = asyncio.create_task(b())
    await asyncio.sleep(0)
    try:
        tasks["a"].cancel("m")
    except RecursionError:
        print("RecursionError from cancel()")
    print("a cancelling:", tasks["a"].cancelling() > 0, "b cancelling:", tasks["b"].cancelling() > 0)
    await asyncio.sleep(0)
    print("a done:", tasks["a"].done(), "b done:", tasks["b"].done())
    print("loop goes on")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
print("main done")
