# Rule: loop.stop() called from a task lets the current iteration finish; the task stays pending and resumes when the loop runs again.
import asyncio


async def worker(loop, t0):
    print("worker step 1, stopping the loop")
    loop.stop()
    loop.call_soon(print, "call_soon after stop: runs next time")
    await asyncio.sleep(0.1)
    print("worker step 2 at", round(loop.time() - t0, 1))
    return "worker done"


loop = asyncio.new_event_loop()
t0 = loop.time()
t = loop.create_task(worker(loop, t0))
loop.call_soon(print, "callback queued behind the task: still runs")
loop.run_forever()
print("run_forever returned, task done:", t.done(), "running:", loop.is_running())
print(loop.run_until_complete(t))
loop.close()
