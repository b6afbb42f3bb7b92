# Rule: Future misuse raises InvalidStateError; result() of a cancelled future raises CancelledError.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    try:
        f.result()
    except asyncio.InvalidStateError as e:
        print("result() pending:", type(e).__name__, e)
    try:
        f.exception()
    except asyncio.InvalidStateError as e:
        print("exception() pending:", type(e).__name__, e)
    f.set_result(1)
    try:
        f.set_result(2)
    except asyncio.InvalidStateError as e:
        print("second set_result:", type(e).__name__, str(e).split(":")[0])
    try:
        f.set_exception(ValueError("x"))
    except asyncio.InvalidStateError as e:
        print("set_exception on done:", type(e).__name__, str(e).split(":")[0])
    print("result still:", f.result(), "exception:", f.exception())
    c = loop.create_future()
    print("cancel():", c.cancel(), "cancel() again:", c.cancel())
    try:
        c.result()
    except asyncio.CancelledError as e:
        print("result() cancelled:", type(e).__name__)
    try:
        c.exception()
    except asyncio.CancelledError as e:
        print("exception() cancelled:", type(e).__name__)


asyncio.run(main())
