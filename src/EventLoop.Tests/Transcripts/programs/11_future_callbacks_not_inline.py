# Rule: set_result never calls done-callbacks inline; they run via call_soon, in the order added, even when added late.
import asyncio


def cb1(fut):
    print("cb1 sees", fut.result())


def cb2(fut):
    print("cb2")


def late_cb(fut):
    print("late_cb")


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    f.add_done_callback(cb1)
    f.add_done_callback(cb2)
    print("before set_result")
    f.set_result("x")
    print("after set_result")
    await asyncio.sleep(0)
    print("after sleep(0)")
    f.add_done_callback(late_cb)
    print("added late_cb to done future")
    await asyncio.sleep(0)
    print("end")


asyncio.run(main())
