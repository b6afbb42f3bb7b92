# Rule: exception() and result() of a cancelled future raise CancelledError carrying the cancel message; completing it raises InvalidStateError.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    print("cancel('why') ->", f.cancel("why"), "done:", f.done())
    for name, call in [("exception()", f.exception), ("result()", f.result)]:
        try:
            call()
        except asyncio.CancelledError as e:
            print(name, "raised CancelledError", e.args)
    for name, call in [("set_result", lambda: f.set_result(1)),
                       ("set_exception", lambda: f.set_exception(ValueError()))]:
        try:
            call()
        except asyncio.InvalidStateError as e:
            print(name, "raised InvalidStateError:", e)
    g = loop.create_future()
    print("cancel() without message ->", g.cancel())
    try:
        g.exception()
    except asyncio.CancelledError as e:
        print("exception() raised CancelledError", e.args)


asyncio.run(main())
