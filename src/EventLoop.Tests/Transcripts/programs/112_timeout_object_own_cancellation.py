# Rule: a timeout object turns the body's CancelledError into TimeoutError only when it is the scope's own cancellation; another cancellation pending at __aexit__ goes through.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    t0 = loop.time()

    cm = asyncio.timeout(0.1)
    await cm.__aenter__()
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        print("body got CancelledError, cancelling:", task.cancelling())
        try:
            await cm.__aexit__(type(e), e, None)
        except TimeoutError as te:
            print("TimeoutError, cause is e:", te.__cause__ is e, "cancelling:", task.cancelling())
    print("expired:", cm.expired(), "at", round(loop.time() - t0, 1))

    # The body finished after swallowing the scope's cancellation: no exception to convert.
    cm2 = asyncio.timeout(0.1)
    await cm2.__aenter__()
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("swallowed")
    r = await cm2.__aexit__(None, None, None)
    print("exit returned:", r, "expired:", cm2.expired(), "cancelling:", task.cancelling())

    # Another error from the body after expiry stands.
    cm3 = asyncio.timeout(0)
    await cm3.__aenter__()
    try:
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            raise KeyError("other")
    except KeyError as e:
        r = await cm3.__aexit__(type(e), e, None)
        print("KeyError stands, exit returned:", r, "expired:", cm3.expired(), "cancelling:", task.cancelling())

    # A cancellation from outside as well: cancelling() stays above the entry count, so the
    # CancelledError goes through.
    async def victim():
        cm4 = asyncio.timeout(0.5)
        await cm4.__aenter__()
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError as e:
            me = asyncio.current_task()
            print("victim cancelled:", e.args, "cancelling:", me.cancelling(), "expired:", cm4.expired())
            await cm4.__aexit__(type(e), e, None)
            print("exit returned, cancelling:", me.cancelling())
            raise

    v = loop.create_task(victim())
    await asyncio.sleep(0.5)
    # The deadline's callback and this cancel in the same iteration: the deadline first.
    v.cancel("outside")
    try:
        await v
    except asyncio.CancelledError as e:
        print("victim ended with CancelledError:", e.args)


asyncio.run(main())
