# Rule: create_future() works on a closed loop; only scheduling raises (a done-callback's call_soon).
import asyncio

loop = asyncio.new_event_loop()
loop.close()
f = loop.create_future()
print("created on a closed loop:", f.done())
f.set_result(1)
print("result:", f.result())
g = loop.create_future()
g.add_done_callback(lambda _: print("never"))
try:
    g.set_result(2)
except RuntimeError as e:
    print("RuntimeError:", e)
print("g done:", g.done(), "result:", g.result())
try:
    f.add_done_callback(lambda _: print("never"))
except RuntimeError as e:
    print("RuntimeError:", e)
