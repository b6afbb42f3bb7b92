# Rule: stop() before run_forever() runs exactly one iteration.
import asyncio

loop = asyncio.new_event_loop()


def a():
    print("a (iteration 1)")
    loop.call_soon(b)


def b():
    print("b (iteration 2)")


loop.call_soon(a)
loop.stop()
loop.run_forever()
print("run_forever returned after one iteration")
loop.stop()
loop.run_forever()
print("run_forever returned after one more iteration")
loop.close()
