# Rule: TaskGroup (first failure cancels siblings and body, errors together), outer cancel and timeout around a group, shield, as_completed.
import asyncio
async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    log = []
    async def ok(n, d):
        try:
            await asyncio.sleep(d); log.append(f"ok{n}"); return n
        except asyncio.CancelledError:
            log.append(f"ok{n} cancelled at {round(loop.time()-t0, 1)}"); raise
    async def bad(d, msg):
        await asyncio.sleep(d); raise ValueError(msg)
    try:
        async with asyncio.TaskGroup() as tg:
            a = tg.create_task(ok(1, 0.1))
            b = tg.create_task(bad(0.2, "x"))
            c = tg.create_task(ok(3, 0.5))
            d = tg.create_task(bad(0.2, "y"))
            await asyncio.sleep(1)
            log.append("body finished")
    except* ValueError as eg:
        print("group:", sorted(str(e) for e in eg.exceptions), round(loop.time()-t0, 1))
    print(log, a.result(), c.cancelled(), asyncio.current_task().cancelling())
    # outer cancel
    async def outer():
        async with asyncio.TaskGroup() as tg:
            tg.create_task(ok(5, 1))
            await asyncio.sleep(2)
    t = asyncio.create_task(outer())
    await asyncio.sleep(0.5)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("outer cancelled", round(loop.time()-t0, 1), log[-1])
    # timeout around group
    try:
        async with asyncio.timeout(0.3):
            async with asyncio.TaskGroup() as tg:
                tg.create_task(ok(6, 1))
    except TimeoutError:
        print("timeout", round(loop.time()-t0, 1), log[-1], asyncio.current_task().cancelling())
    # shield
    inner = asyncio.create_task(ok(7, 0.4))
    async def waiter():
        return await asyncio.shield(inner)
    w = asyncio.create_task(waiter())
    await asyncio.sleep(0.1)
    w.cancel()
    try:
        await w
    except asyncio.CancelledError:
        print("waiter cancelled, inner cancelled:", inner.cancelled())
    print("inner result", await inner, round(loop.time()-t0, 1))
    # as_completed
    fs = [asyncio.create_task(ok(n, d)) for n, d in [(8, 0.3), (9, 0.1), (10, 0.2)]]
    for coro in asyncio.as_completed(fs):
        print("as_completed", await coro)
    fs = [asyncio.create_task(ok(n, d)) for n, d in [(11, 0.3), (12, 0.1)]]
    try:
        for coro in asyncio.as_completed(fs, timeout=0.2):
            print("as_completed t", await coro)
    except TimeoutError:
        print("as_completed timeout", round(loop.time()-t0, 1))
    await asyncio.gather(*fs)
asyncio.run(main())
