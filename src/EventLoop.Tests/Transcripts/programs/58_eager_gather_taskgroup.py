# Eager tasks (3.12) under gather and TaskGroup: a gather whose children all finish in their
# eager step is done at once; a TaskGroup child that fails in its eager step aborts the group
# inside create_task.
import asyncio


async def quick(n):
    return n


async def boom():
    raise ValueError("boom at once")


async def sleeper(name):
    try:
        await asyncio.sleep(1)
        print(name, "finished")
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise


async def main():
    loop = asyncio.get_running_loop()
    loop.set_task_factory(asyncio.eager_task_factory)
    g = asyncio.gather(quick(1), quick(2), quick(3))
    print("gather done at once:", g.done(), g.result())
    g2 = asyncio.gather(quick(4), sleeper("s0"))
    print("gather with a sleeper done:", g2.done())
    print("gathered:", await g2)
    try:
        async with asyncio.TaskGroup() as tg:
            a = tg.create_task(sleeper("s1"))
            print("s1 made, done", a.done())
            b = tg.create_task(boom())
            print("boom made, done", b.done(), "s1 cancelling", a.cancelling(),
                  "main cancelling", asyncio.current_task().cancelling())
            try:
                tg.create_task(quick(5))
            except RuntimeError as e:
                print("create_task refused:", str(e).split(" is ")[1])
            await asyncio.sleep(0)
            print("not reached")
    except* ValueError as eg:
        print("group raised", [str(e) for e in eg.exceptions])
    print("main cancelling after", asyncio.current_task().cancelling())


asyncio.run(main())
