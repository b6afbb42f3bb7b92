# Rule: a stop() before run_until_complete makes it run one iteration and raise RuntimeError; a done future still needs one iteration.
import asyncio


async def two_steps():
    print("two_steps: step 1")
    await asyncio.sleep(0)
    print("two_steps: step 2")
    return 2


loop = asyncio.new_event_loop()
t = loop.create_task(two_steps())
loop.stop()
try:
    loop.run_until_complete(t)
except RuntimeError as e:
    print("RuntimeError:", e)
print("task done:", t.done())
print("second run:", loop.run_until_complete(t))
f = loop.create_future()
f.set_result("ready")
loop.call_soon(print, "queued callback runs too")
print("done future:", loop.run_until_complete(f))
loop.close()
