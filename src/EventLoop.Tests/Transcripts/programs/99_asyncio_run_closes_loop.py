# Rule: after asyncio.run returns, its loop is closed and not running; using it raises RuntimeError('Event loop is closed').
import asyncio

captured = []


async def main():
    loop = asyncio.get_running_loop()
    captured.append(loop)
    loop.call_soon(print, "callback inside run")
    await asyncio.sleep(0.1)
    loop.call_later(5, print, "never: timer left pending")
    return "main result"


print(asyncio.run(main()))
loop = captured[0]
print("running:", loop.is_running(), "closed:", loop.is_closed())
try:
    loop.call_soon(print, "x")
except RuntimeError as e:
    print("call_soon:", e)
try:
    loop.run_until_complete(loop.create_future())
except RuntimeError as e:
    print("run_until_complete:", e)
try:
    asyncio.get_running_loop()
except RuntimeError as e:
    print("get_running_loop:", e)
