# Rule: call_soon runs callbacks in FIFO order.
import asyncio


def cb(name):
    print("run", name)


loop = asyncio.new_event_loop()
for name in ["a", "b", "c", "d", "e"]:
    loop.call_soon(cb, name)
loop.call_soon(loop.stop)
print("before run_forever")
loop.run_forever()
print("after run_forever")
loop.close()
