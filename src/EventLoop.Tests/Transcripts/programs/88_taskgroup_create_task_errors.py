# Rule: TaskGroup.create_task raises RuntimeError while the group is shutting down and after it exited.
import asyncio


async def noop():
    await asyncio.sleep(0)


async def fail():
    raise ValueError("x")


def last_words(e):
    return " ".join(str(e).split()[-2:])


async def main():
    tg = asyncio.TaskGroup()
    try:
        async with tg:
            tg.create_task(fail())
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                c = noop()
                try:
                    tg.create_task(c)
                except RuntimeError as e:
                    c.close()
                    print("shutting down:", last_words(e))
                raise
    except ExceptionGroup:
        print("group failed")
    c = noop()
    try:
        tg.create_task(c)
    except RuntimeError as e:
        c.close()
        print("after exit:", last_words(e))


asyncio.run(main())
