# Rule: wait_for(coroutine) runs the coroutine inside the awaiting task (no extra task, no extra iteration).
# Differs in 3.11: wait_for wraps the coroutine in a new task, so 'work started' comes after 'tick 0' and 'got' after 'tick 1'.
import asyncio


async def ticker():
    for i in range(4):
        print("tick", i)
        await asyncio.sleep(0)


async def work():
    print("work started")
    return 1


async def main():
    t = asyncio.create_task(ticker())
    print("calling wait_for")
    r = await asyncio.wait_for(work(), timeout=1)
    print("got", r)
    await t


asyncio.run(main())
