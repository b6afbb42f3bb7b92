"""The performance workloads (W1 to W5) on CPython asyncio (or uvloop with --uvloop), one JSON line per workload.

    python3 bench_asyncio.py [--uvloop] [--scale 0.25] [--runtime NAME]

Each workload runs once small to warm up, then once measured; ns_per_op is wall time per
operation, except w2_fire_cpu (process CPU time per timer: the timers are spread over 50 ms of
wall time, so wall time mostly measures waiting). --scale shrinks every workload but the timers
(per-operation times barely depend on the count; it keeps slow runtimes' rounds short).
"""
import argparse
import asyncio
import json
import sys
import time


def delays(n):
    """The same fixed-seed delays in [0, 50 ms] as the other runners: a 32-bit LCG seeded 42."""
    state = 42
    out = []
    for _ in range(n):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        out.append(state / 4294967296.0 * 0.050)
    return out


def w1_chain(new_loop, n):
    loop = new_loop()
    remaining = [n]

    def step():
        remaining[0] -= 1
        if remaining[0] > 0:
            loop.call_soon(step)
        else:
            loop.stop()

    t0 = time.perf_counter_ns()
    loop.call_soon(step)
    loop.run_forever()
    t = time.perf_counter_ns() - t0
    loop.close()
    return t


def w1_queued(new_loop, n):
    loop = new_loop()

    def noop():
        pass

    t0 = time.perf_counter_ns()
    for _ in range(n):
        loop.call_soon(noop)
    loop.call_soon(loop.stop)
    loop.run_forever()
    t = time.perf_counter_ns() - t0
    loop.close()
    return t


def w2_fire(new_loop, ds):
    loop = new_loop()
    remaining = [len(ds)]

    def fire():
        remaining[0] -= 1
        if remaining[0] == 0:
            loop.stop()

    c0 = time.process_time_ns()
    t0 = time.perf_counter_ns()
    for d in ds:
        loop.call_later(d, fire)
    loop.run_forever()
    t = time.perf_counter_ns() - t0
    c = time.process_time_ns() - c0
    loop.close()
    return t, c


def w2_cancel(new_loop, ds):
    loop = new_loop()

    def noop():
        pass

    t0 = time.perf_counter_ns()
    handles = [loop.call_later(d, noop) for d in ds]
    for h in handles:
        h.cancel()
    loop.call_soon(loop.stop)
    loop.run_forever()
    t = time.perf_counter_ns() - t0
    loop.close()
    return t


def run_coro(new_loop, make):
    loop = new_loop()
    asyncio.set_event_loop(loop)
    t0 = time.perf_counter_ns()
    loop.run_until_complete(make(loop))
    t = time.perf_counter_ns() - t0
    asyncio.set_event_loop(None)
    loop.close()
    return t


def w3_spawn(n):
    async def child():
        await asyncio.sleep(0)

    async def main(loop):
        await asyncio.gather(*[child() for _ in range(n)])

    return main


def w4_futures(n):
    async def main(loop):
        inbox = {"a": None, "b": loop.create_future()}

        async def b():
            for _ in range(n):
                value = await inbox["b"]
                inbox["b"] = loop.create_future()
                inbox["a"].set_result(value)

        task = loop.create_task(b())
        for i in range(n):
            inbox["a"] = loop.create_future()
            inbox["b"].set_result(i)
            await inbox["a"]
        await task

    return main


def w4_queue(n):
    async def main(loop):
        there = asyncio.Queue(1)
        back = asyncio.Queue(1)

        async def pong():
            for _ in range(n):
                await back.put(await there.get())

        task = loop.create_task(pong())
        for i in range(n):
            await there.put(i)
            await back.get()
        await task

    return main


def w5_await_done(n):
    async def main(loop):
        done = loop.create_future()
        done.set_result(1)
        total = 0
        for _ in range(n):
            total += await done
        return total

    return main


def w5_sleep0(n):
    async def main(loop):
        for _ in range(n):
            await asyncio.sleep(0)

    return main


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--uvloop", action="store_true")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runtime", default=None)
    parser.add_argument("--only", default=None, help="comma-separated workload names")
    args = parser.parse_args()

    if args.uvloop:
        import uvloop
        new_loop = uvloop.new_event_loop
        runtime = args.runtime or f"uvloop {uvloop.__version__}"
    else:
        new_loop = asyncio.new_event_loop
        runtime = args.runtime or f"asyncio {sys.version.split()[0]}"

    def n(base):
        return max(1000, int(base * args.scale))

    timer_delays = delays(200_000)
    warm_delays = timer_delays[:20_000]
    only = set(args.only.split(",")) if args.only else None

    def emit(workload, ns, ops):
        if only is None or workload in only:
            print(json.dumps({"runtime": runtime, "workload": workload, "ns_per_op": ns / ops, "n": ops}), flush=True)

    def wanted(*names):
        return only is None or any(x in only for x in names)

    if wanted("w1_chain"):
        w1_chain(new_loop, n(100_000))
        emit("w1_chain", w1_chain(new_loop, n(1_000_000)), n(1_000_000))
    if wanted("w1_queued"):
        w1_queued(new_loop, n(100_000))
        emit("w1_queued", w1_queued(new_loop, n(1_000_000)), n(1_000_000))
    if wanted("w2_fire_cpu", "w2_fire_wall"):
        w2_fire(new_loop, warm_delays)
        wall, cpu = w2_fire(new_loop, timer_delays)
        emit("w2_fire_cpu", cpu, len(timer_delays))
        emit("w2_fire_wall", wall, len(timer_delays))
    if wanted("w2_cancel"):
        w2_cancel(new_loop, warm_delays)
        emit("w2_cancel", w2_cancel(new_loop, timer_delays), len(timer_delays))
    for name, make, base in [
        ("w3_spawn", w3_spawn, 100_000),
        ("w4_futures", w4_futures, 200_000),
        ("w4_queue", w4_queue, 200_000),
        ("w5_await_done", w5_await_done, 1_000_000),
        ("w5_sleep0", w5_sleep0, 1_000_000),
    ]:
        if not wanted(name):
            continue
        run_coro(new_loop, make(n(base) // 10 or 1))
        emit(name, run_coro(new_loop, make(n(base))), n(base))


if __name__ == "__main__":
    main()
