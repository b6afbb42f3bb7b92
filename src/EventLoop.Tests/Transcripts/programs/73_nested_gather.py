# Rule: a gather nested in a gather gives a nested list; a failure deep inside reaches the outer await while siblings keep running.
import asyncio


async def val(x, d):
    await asyncio.sleep(d)
    print("val", x, "done")
    return x


async def boom(d):
    await asyncio.sleep(d)
    raise ValueError("deep")


async def main():
    r = await asyncio.gather(asyncio.gather(val(1, 0.2), val(2, 0.1)), val(3, 0.3))
    print("nested result:", r)
    slow = asyncio.create_task(val("slow", 0.5))
    try:
        await asyncio.gather(val(4, 0.1), asyncio.gather(boom(0.2), slow))
    except ValueError as e:
        print("outer gather raised", repr(e), "slow done:", slow.done())
    print("slow result:", await slow)


asyncio.run(main())
