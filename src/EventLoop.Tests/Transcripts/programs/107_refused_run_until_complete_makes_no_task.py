# Rule: a refused run_until_complete (this loop running, another loop running on the thread, the
# loop closed) makes no task and runs nothing: the checks come before the coroutine is wrapped.
import asyncio
import warnings

warnings.simplefilter("ignore")  # "coroutine ... was never awaited" goes to stderr in Python

ran = []


async def work(name):
    ran.append(name)


async def main():
    loop = asyncio.get_running_loop()
    before = len(asyncio.all_tasks())
    try:
        loop.run_until_complete(work("same loop"))
    except RuntimeError as e:
        print("same loop:", e)
    other = asyncio.new_event_loop()
    try:
        other.run_until_complete(work("other loop"))
    except RuntimeError as e:
        print("other loop:", e)
    print("tasks before:", before, "after:", len(asyncio.all_tasks()))
    await asyncio.sleep(0)
    other.close()
    print("other loop tasks:", len(asyncio.all_tasks(other)))


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
try:
    loop.run_until_complete(work("closed loop"))
except RuntimeError as e:
    print("closed loop:", e)
print("ran:", ran)
