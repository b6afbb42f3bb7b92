# Rule: run_until_complete raises RuntimeError if the loop is stopped before the future completes.
import asyncio


async def slow():
    print("slow started")
    await asyncio.sleep(10)
    print("never printed")


loop = asyncio.new_event_loop()
task = loop.create_task(slow())
loop.call_soon(loop.stop)
try:
    loop.run_until_complete(task)
except RuntimeError as e:
    print("RuntimeError:", e)
print("task done:", task.done())
task.cancel()
try:
    loop.run_until_complete(task)
except asyncio.CancelledError:
    print("task cancelled:", task.cancelled())
loop.close()
