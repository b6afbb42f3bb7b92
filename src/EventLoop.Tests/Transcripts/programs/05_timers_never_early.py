# Rule: timers never fire before their deadline.
import asyncio

loop = asyncio.new_event_loop()
t0 = loop.time()


def cb(delay):
    elapsed = loop.time() - t0
    print("delay", delay, "fired at", round(elapsed, 2), "early:", elapsed < delay - 0.001)


for delay in [0.1, 0.05, 0.2, 0.15]:
    loop.call_later(delay, cb, delay)


async def main():
    await asyncio.sleep(0.25)
    print("sleep(0.25) returned at", round(loop.time() - t0, 2))


loop.run_until_complete(main())
loop.close()
