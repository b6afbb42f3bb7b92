# Eager tasks (3.12): loop.set_task_factory(asyncio.eager_task_factory) runs a task's first step
# inside create_task. What runs when, what create_task returns, current_task and all_tasks.
import asyncio

start = 0


async def quick(n):
    print("quick", n, "runs in", asyncio.current_task().get_name())
    return n * 10


async def slow(n):
    print("slow", n, "starts in", asyncio.current_task().get_name())
    await asyncio.sleep(0.5)
    print("slow", n, "resumes at", round(asyncio.get_running_loop().time() - start, 2))
    return n


async def fails():
    raise ValueError("at once")


async def main():
    global start
    loop = asyncio.get_running_loop()
    start = loop.time()
    loop.set_task_factory(asyncio.eager_task_factory)
    print("main is", asyncio.current_task().get_name())
    q = loop.create_task(quick(1))
    print("after quick: done", q.done(), "result", q.result(), "current", asyncio.current_task().get_name())
    print("quick in all_tasks:", q in asyncio.all_tasks())
    s = loop.create_task(slow(2))
    print("after slow: done", s.done(), "in all_tasks", s in asyncio.all_tasks())
    f = loop.create_task(fails())
    print("fails: done", f.done(), type(f.exception()).__name__, f.exception())
    print("cancel a finished eager task:", q.cancel(), q.cancelled())
    q.add_done_callback(lambda t: print("done callback of", t.get_name()))
    print("callback added")
    await asyncio.sleep(0)
    print("after one yield")
    print("slow result:", await s)
    loop.set_task_factory(None)
    n = loop.create_task(quick(3))
    print("factory reset: done", n.done())
    print("result", await n)


asyncio.run(main())
