# Rule: call_soon_threadsafe on the loop thread appends to the same ready queue as call_soon: one FIFO.
import asyncio

loop = asyncio.new_event_loop()


def first():
    print("first iteration")
    loop.call_soon_threadsafe(print, "threadsafe-1")
    loop.call_soon(print, "soon-2")
    loop.call_soon_threadsafe(print, "threadsafe-3")
    loop.call_soon(loop.stop)


loop.call_soon(first)
loop.run_forever()
loop.close()
