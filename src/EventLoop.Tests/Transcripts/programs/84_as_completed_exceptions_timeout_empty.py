# Rule: as_completed raises a failed future's exception at its turn, raises TimeoutError for the rest after the timeout, and yields nothing for an empty list.
import asyncio


async def job(x, d, fail=False):
    await asyncio.sleep(d)
    if fail:
        raise ValueError(f"job {x}")
    return x


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    fs = [asyncio.create_task(job(1, 0.3)), asyncio.create_task(job(2, 0.1, fail=True)),
          asyncio.create_task(job(3, 0.2))]
    for aw in asyncio.as_completed(fs):
        try:
            print("result", await aw, round(loop.time() - t0, 1))
        except ValueError as e:
            print("error", repr(e), round(loop.time() - t0, 1))
    print("empty:", [x for x in asyncio.as_completed([])])
    slow = [asyncio.create_task(job(4, 0.5)), asyncio.create_task(job(5, 0.1))]
    for aw in asyncio.as_completed(slow, timeout=0.3):
        try:
            print("got", await aw, round(loop.time() - t0, 1))
        except TimeoutError:
            print("TimeoutError at", round(loop.time() - t0, 1), "slow cancelled:", slow[0].cancelled())
    print("slow still finishes:", await slow[0], round(loop.time() - t0, 1))


asyncio.run(main())
