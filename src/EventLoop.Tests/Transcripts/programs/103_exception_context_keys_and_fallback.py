# Rule: the exception handler's context is a dict: any key can be added, listed in insertion
# order; when a custom handler raises, the default handler reports "Unhandled error in exception
# handler" with the original context under 'context'; an empty message reads "Unhandled
# exception in event loop".
import asyncio
import logging


class Show(logging.Handler):
    def emit(self, record):
        print("logged:", record.getMessage().replace("\n", " | "))


logging.getLogger("asyncio").addHandler(Show())
logging.getLogger("asyncio").propagate = False


def recorder(loop, context):
    print("handler got:", list(context.keys()), context["foo"])
    context["bar"] = 2
    print("after adding:", list(context.keys()))


def broken(loop, context):
    raise ValueError("handler broke")


async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(recorder)
    loop.call_exception_handler({"message": "custom", "foo": 1})
    loop.set_exception_handler(broken)
    loop.call_exception_handler({"message": "original report", "foo": 1})
    loop.set_exception_handler(None)
    loop.call_exception_handler({"message": "", "foo": "x"})
    loop.call_exception_handler({"message": "sorted keys", "zeta": 1, "alpha": [1, 2]})


asyncio.run(main())
