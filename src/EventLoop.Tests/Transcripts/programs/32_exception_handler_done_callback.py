# Rule: a raising future done-callback goes to the exception handler; later callbacks still run (and awaiting a done future does not yield).
import asyncio


def handler(loop, context):
    words = context["message"].split()[:3]
    print("handler:", " ".join(words), "|", type(context["exception"]).__name__,
          "|", sorted(context.keys()))


def bad_cb(fut):
    print("bad_cb runs")
    raise KeyError("k")


def good_cb(fut):
    print("good_cb sees", fut.result())


async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(handler)
    f = loop.create_future()
    f.add_done_callback(bad_cb)
    f.add_done_callback(good_cb)
    f.set_result("value")
    print("main awaits f:", await f)
    await asyncio.sleep(0)
    print("main done")


asyncio.run(main())
