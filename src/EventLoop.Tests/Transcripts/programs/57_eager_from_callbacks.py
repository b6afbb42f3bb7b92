# Eager tasks (3.12) made from a plain callback, before the loop runs, inside another eager task,
# and cancelled after their eager step suspended.
import asyncio


async def child(name, delay):
    print(name, "step 1 in", asyncio.current_task().get_name())
    await asyncio.sleep(delay)
    print(name, "step 2")
    return name


async def parent():
    print("parent starts")
    inner = asyncio.get_running_loop().create_task(child("inner", 0))
    print("parent made inner, done", inner.done(), "current", asyncio.current_task().get_name())
    r = await inner
    print("parent got", r)
    return "parent"


def from_callback(loop, out):
    print("callback: current task", asyncio.current_task())
    t = loop.create_task(child("from-callback", 0))
    print("callback: after create, current task", asyncio.current_task(), "done", t.done())
    out.append(t)


async def main():
    loop = asyncio.get_running_loop()
    print("main step 1 in", asyncio.current_task().get_name())
    out = []
    loop.call_soon(from_callback, loop, out)
    await asyncio.sleep(0)
    print("main: callback ran, task done", out[0].done())
    p = loop.create_task(parent())
    print("main: parent done", p.done())
    t = loop.create_task(child("victim", 1))
    print("cancel:", t.cancel("stop it"), "cancelling", t.cancelling())
    try:
        await t
    except asyncio.CancelledError as e:
        print("victim cancelled:", e.args)
    print("parent result", await p, "from-callback result", await out[0])


loop = asyncio.new_event_loop()
loop.set_task_factory(asyncio.eager_task_factory)
pre = loop.create_task(child("before-run", 0))
print("created before the loop runs: done", pre.done())
loop.run_until_complete(main())
print("pre result", pre.result())
loop.close()
