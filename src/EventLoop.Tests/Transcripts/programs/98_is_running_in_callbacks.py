# Rule: is_running() is True inside callbacks and tasks; run_until_complete and close from inside a running loop raise RuntimeError.
import asyncio

loop = asyncio.new_event_loop()


def handler(lp, context):
    print("handler:", type(context["exception"]).__name__, context["exception"])


def cb():
    print("in callback, running:", loop.is_running())
    f = loop.create_future()
    try:
        loop.run_until_complete(f)
    except RuntimeError as e:
        print("run_until_complete inside:", e)
    f.cancel()
    loop.close()


async def task_body():
    print("in task, running:", loop.is_running())
    loop.call_soon(cb)
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    return "task done"


loop.set_exception_handler(handler)
print("before run, running:", loop.is_running())
print(loop.run_until_complete(task_body()))
print("after run, running:", loop.is_running(), "closed:", loop.is_closed())
loop.close()
