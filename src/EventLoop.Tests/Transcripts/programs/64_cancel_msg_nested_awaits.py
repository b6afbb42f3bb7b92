# Rule: cancel(msg) reaches the innermost await of nested coroutines; each level sees the same message as it unwinds.
import asyncio


async def level3():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print("level3 got", e.args)
        raise


async def level2():
    try:
        await level3()
    except asyncio.CancelledError as e:
        print("level2 got", e.args)
        raise


async def level1():
    try:
        await level2()
    finally:
        print("level1 finally")


async def main():
    t = asyncio.create_task(level1())
    await asyncio.sleep(0)
    print("cancel ->", t.cancel("stop now"))
    try:
        await t
    except asyncio.CancelledError as e:
        print("main got", e.args, "cancelled:", t.cancelled())


asyncio.run(main())
