# Rule: current_task() is the running task inside a task and None in a plain callback; all_tasks() lists pending tasks.
import asyncio


def plain_callback():
    print("in callback, current_task is None:", asyncio.current_task() is None)


async def child():
    me = asyncio.current_task()
    print("child sees its own task:", me is child_task, "name:", me.get_name())
    await asyncio.sleep(0.01)


async def main():
    global child_task
    loop = asyncio.get_running_loop()
    print("main all_tasks:", len(asyncio.all_tasks()))
    child_task = asyncio.create_task(child(), name="child")
    print("after create_task:", len(asyncio.all_tasks()))
    loop.call_soon(plain_callback)
    await asyncio.sleep(0)
    print("main sees itself:", asyncio.current_task() is main_task)
    await child_task
    print("after child done:", len(asyncio.all_tasks()))


loop = asyncio.new_event_loop()
child_task = None
main_task = loop.create_task(main(), name="main")
print("outside loop, all_tasks:", len(asyncio.all_tasks(loop)))
loop.run_until_complete(main_task)
print("after run:", len(asyncio.all_tasks(loop)))
loop.close()
