# Rule: with nested timeouts only the one whose deadline passed turns the cancellation into TimeoutError; the other lets it through.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    try:
        async with asyncio.timeout(0.2) as outer:
            try:
                async with asyncio.timeout(0.5) as inner:
                    await asyncio.sleep(1)
            except asyncio.CancelledError:
                print("inner let CancelledError through, inner expired:", inner.expired())
                raise
    except TimeoutError:
        print("outer TimeoutError at", round(loop.time() - t0, 1), "outer expired:", outer.expired())
    t0 = loop.time()
    async with asyncio.timeout(0.5) as outer:
        try:
            async with asyncio.timeout(0.2) as inner:
                await asyncio.sleep(1)
        except TimeoutError:
            print("inner TimeoutError at", round(loop.time() - t0, 1), "inner expired:", inner.expired())
        await asyncio.sleep(0.1)
    print("outer not expired:", outer.expired(), "at", round(loop.time() - t0, 1))
    print("cancelling:", asyncio.current_task().cancelling())


asyncio.run(main())
