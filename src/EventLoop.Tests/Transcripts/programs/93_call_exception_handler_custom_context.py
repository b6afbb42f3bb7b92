# Rule: call_exception_handler passes a custom context to the handler as is; set_exception_handler(None) removes the handler.
import asyncio


def handler(loop, context):
    exc = context.get("exception")
    print("handler:", context["message"], "|", sorted(context.keys()), "|", repr(exc),
          "| future done:", context["future"].done() if "future" in context else None)


async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(handler)
    f = loop.create_future()
    f.set_result(1)
    loop.call_exception_handler({"message": "custom report", "exception": ValueError("v"), "future": f})
    loop.call_exception_handler({"message": "message only"})
    print("handler is set:", loop.get_exception_handler() is handler)
    loop.call_soon(loop.call_exception_handler, {"message": "from a callback"})
    await asyncio.sleep(0)
    loop.set_exception_handler(None)
    print("handler after None:", loop.get_exception_handler())


asyncio.run(main())
