# Rule: task.get_coro() returns the coroutine the task runs, before it starts, while it runs and after it is done; its repr names the function (address left out here).
import asyncio


def coro_repr(c):
    return repr(c).split(" at 0x")[0] + ">"


def TaskGetCoro():
    async def Child():
        await asyncio.sleep(0)
        return 1

    async def Failing():
        raise ValueError("x")

    async def Main():
        t = asyncio.get_running_loop().create_task(Child())
        c = t.get_coro()
        print("before start:", coro_repr(c))
        await asyncio.sleep(0)
        print("running:", coro_repr(t.get_coro()), "same:", t.get_coro() is c)
        await t
        print("done:", coro_repr(t.get_coro()), "same:", t.get_coro() is c)
        f = asyncio.get_running_loop().create_task(Failing())
        try:
            await f
        except ValueError:
            pass
        print("failed:", coro_repr(f.get_coro()))
        k = asyncio.get_running_loop().create_task(Child())
        k.cancel()
        try:
            await k
        except asyncio.CancelledError:
            pass
        print("cancelled before start:", coro_repr(k.get_coro()), k.cancelled())
        print("main:", coro_repr(asyncio.current_task().get_coro()))

    asyncio.run(Main())


TaskGetCoro()
