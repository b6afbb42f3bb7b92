# Rule: a done-callback added to a done future from inside another done-callback runs via call_soon, after the callbacks already queued.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()

    def late(fut):
        print("late sees", fut.result())

    def first(fut):
        print("first")
        fut.add_done_callback(late)
        loop.call_soon(print, "call_soon from first")

    def second(fut):
        print("second")

    f.add_done_callback(first)
    f.add_done_callback(second)
    loop.call_soon(print, "queued before set_result")
    f.set_result(7)
    loop.call_soon(print, "queued after set_result")
    for i in range(3):
        print("main iteration", i)
        await asyncio.sleep(0)


asyncio.run(main())
