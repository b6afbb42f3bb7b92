# Rule: asyncio.run cancels a task still pending when main() returns.
import asyncio


async def leftover():
    try:
        print("leftover started")
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("leftover cancelled by asyncio.run")
        raise
    print("never printed")


async def main():
    asyncio.create_task(leftover())
    await asyncio.sleep(0)
    print("main returns")
    return "main result"


print(asyncio.run(main()))
print("after asyncio.run")
