# Rule: remove_done_callback removes every registration of a callback and returns the count removed.
import asyncio


def cb_a(fut):
    print("cb_a")


def cb_b(fut):
    print("cb_b")


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    f.add_done_callback(cb_a)
    f.add_done_callback(cb_b)
    f.add_done_callback(cb_a)
    f.add_done_callback(cb_b)
    print("removed cb_a:", f.remove_done_callback(cb_a))
    print("removed cb_a again:", f.remove_done_callback(cb_a))
    f.set_result(None)
    print("removed cb_b after set_result:", f.remove_done_callback(cb_b))
    await asyncio.sleep(0)
    print("end")


asyncio.run(main())
