# Rule: a TaskGroup is an object before it is entered: create_task refuses until __aenter__, a second __aenter__ refuses, and __aexit__ with the body's exception aborts the group.
import asyncio


async def child(name, delay, log):
    try:
        await asyncio.sleep(delay)
        log.append(f"{name} done")
    except asyncio.CancelledError:
        log.append(f"{name} cancelled")
        raise


async def main():
    log = []
    tg = asyncio.TaskGroup()
    print("created:", tg)
    c = child("early", 0, log)
    try:
        tg.create_task(c)
    except RuntimeError as e:
        c.close()
        print("RuntimeError:", e)
    entered = await tg.__aenter__()
    print("entered is tg:", entered is tg, tg)
    try:
        await tg.__aenter__()
    except RuntimeError as e:
        print("RuntimeError:", e)
    tg.create_task(child("a", 0.1, log))
    tg.create_task(child("b", 1, log))
    print("with tasks:", tg)
    await asyncio.sleep(0.2)
    err = ValueError("body failed")
    try:
        await tg.__aexit__(type(err), err, None)
    except ExceptionGroup as eg:
        print("ExceptionGroup:", eg.message, [repr(e) for e in eg.exceptions])
    print("log:", log)
    print("after exit:", tg)
    try:
        await tg.__aenter__()
    except RuntimeError as e:
        print("RuntimeError:", e)

    # The plain path, as async with writes it.
    async with asyncio.TaskGroup() as tg2:
        t = tg2.create_task(child("c", 0.1, log))
    print("c:", t.done(), log[-1])


asyncio.run(main())
