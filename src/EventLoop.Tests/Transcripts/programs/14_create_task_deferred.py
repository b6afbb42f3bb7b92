# Rule: create_task does not run the coroutine inline; its first step runs in a later iteration.
import asyncio


async def child(name):
    print(name, "first step")
    await asyncio.sleep(0)
    print(name, "second step")
    return name + " result"


async def main():
    print("before create_task")
    t1 = asyncio.create_task(child("t1"))
    t2 = asyncio.create_task(child("t2"))
    print("after create_task, t1 done:", t1.done())
    await asyncio.sleep(0)
    print("main after sleep(0)")
    print(await t1, "/", await t2)


asyncio.run(main())
