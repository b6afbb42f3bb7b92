# Rule: a callback or done-callback raising any exception, even CancelledError, is reported to the handler at once; the next callbacks still run.
import asyncio


def handler(loop, context):
    print("  handler:", type(context["exception"]).__name__, "| running:", loop.is_running())


def raise_cancelled():
    print("cb raising CancelledError")
    raise asyncio.CancelledError()


def done_cb(fut):
    print("done_cb raising KeyError")
    raise KeyError("k")


async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(handler)
    loop.call_soon(raise_cancelled)
    loop.call_soon(print, "after cb")
    f = loop.create_future()
    f.add_done_callback(done_cb)
    f.add_done_callback(lambda _: print("second done-callback"))
    f.set_result(None)
    await asyncio.sleep(0)
    print("main resumed")
    await asyncio.sleep(0)
    print("main survived")


asyncio.run(main())
