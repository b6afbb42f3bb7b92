# Rule: run_until_complete returns the coroutine's result and rethrows its exception.
import asyncio


async def ok():
    await asyncio.sleep(0)
    return 42


async def bad():
    await asyncio.sleep(0)
    raise ValueError("boom")


loop = asyncio.new_event_loop()
print("result:", loop.run_until_complete(ok()))
try:
    loop.run_until_complete(bad())
except ValueError as e:
    print("raised:", type(e).__name__, e)
fut = loop.create_future()
loop.call_soon(fut.set_result, "from future")
print("future result:", loop.run_until_complete(fut))
loop.close()
