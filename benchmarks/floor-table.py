#!/usr/bin/env python3
"""Renders the README's "against the floor" table from BenchmarkDotNet's markdown reports.

    python3 benchmarks/floor-table.py [RESULTS_DIR]

RESULTS_DIR (default BenchmarkDotNet.Artifacts/results) holds the *-report-github.md files of a
run of src/EventLoop.Benchmarks. The performance targets are ratios of medians to the floor
measured in the same run, so the table gives medians and divides medians; BenchmarkDotNet's own
Ratio column is a mean of per-iteration ratios, which on this VM's bimodal runs can differ.
A row whose report or method is missing is printed as missing, never dropped.
"""
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "cross-runtime"))
import report  # noqa: E402  (benchmarks/cross-runtime/report.py)

# (workload, report class, loop method, floor method, floor's description, target,
#  [(other row's label, method)])
ROWS = [
    ("W1 chain (1,000,000 `CallSoon`)", "CallSoonBenchmarks", "Loop_Chain", "Floor_Chain",
     "ring buffer", "≤ 2.5×", [("floor + a 32-byte handle per callback", "FloorWithHandle_Chain")]),
    ("W1 queued (1,000,000 `CallSoon`)", "CallSoonBenchmarks", "Loop_Queued", "Floor_Queued",
     "ring buffer", "≤ 2×", [("floor + a 32-byte handle per callback", "FloorWithHandle_Queued")]),
    ("W2 schedule+fire, 200,000 timers, virtual time", "TimerBenchmarks", "Loop_VirtualTime_Fire",
     "Floor_PriorityQueue_Fire", "`PriorityQueue`", "≤ 2×", [("real time", "Loop_RealTime_Fire")]),
    ("W2 schedule+cancel, 200,000 timers", "TimerBenchmarks", "Loop_Cancel",
     "Floor_PriorityQueue_Cancel", "`PriorityQueue` + flag", "≤ 2×", []),
    ("W3 spawn: 100,000 tasks × `Sleep(0)`, gathered", "SpawnBenchmarks", "Loop_Gather",
     "Floor_MinimalContext", "minimal context", "≤ 2×",
     [("`async Coroutine` children", "Loop_GatherCoroutines"), ("Nito", "Nito_AsyncContext"),
      ("thread pool", "ThreadPool_TaskRun")]),
    ("W4 ping-pong through futures", "PingPongBenchmarks", "Loop_Futures",
     "Floor_MinimalContext_Tcs", "minimal context, TCS", "≤ 1.5×",
     [("`async Coroutine` tasks", "Loop_Futures_Coroutines"), ("Nito", "Nito_AsyncContext_Tcs")]),
    ("W4 ping-pong through `AsyncQueue(1)`", "PingPongBenchmarks", "Loop_AsyncQueue",
     "Floor_MinimalContext_MinimalQueue", "minimal context, minimal bounded queue", "≤ 2×",
     [("`Channel.CreateBounded(1)`", "MinimalContext_BoundedChannel"),
      ("Nito", "Nito_AsyncContext_MinimalQueue")]),
    ("W5 await a finished Future", "AwaitBenchmarks", "Loop_FinishedFuture",
     "Floor_CompletedValueTask", "completed `ValueTask`", "≤ 3 ns",
     [("in an `async Coroutine`", "Loop_FinishedFuture_Coroutine")]),
    ("W5 `Sleep(0)`", "AwaitBenchmarks", "Loop_SleepZero", "Floor_MinimalContext_Yield",
     "minimal context, `Task.Yield`", "≤ 2×",
     [("in an `async Coroutine`", "Loop_SleepZero_Coroutine"), ("Nito", "Nito_AsyncContext_Yield")]),
    ("`Gather` of 10,000 tasks", "CombinatorBenchmarks", "Loop_Gather",
     "Floor_MinimalContext_WhenAll", "minimal context, `WhenAll`", "", []),
    ("`WaitFor`, no timeout (10,000)", "CombinatorBenchmarks", "Loop_WaitFor",
     "Floor_MinimalContext_NoTimeout", "minimal context, no timeout", "",
     [("`WaitAsync`", "MinimalContext_WaitAsync")]),
    ("Cancellation storm (10,000 tasks)", "CombinatorBenchmarks", "Loop_CancelGather",
     "Floor_MinimalContext_TcsCancelled", "minimal context, TCS", "",
     [("`Task.Delay` + CTS", "MinimalContext_TaskDelayCancelled")]),
]

UNITS = {"ps": 1e-3, "ns": 1.0, "μs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}


def parse_time(text):
    """'1,082.2 ns' -> 1082.2 (nanoseconds)."""
    number, unit = text.strip().split()
    return float(number.replace(",", "")) * UNITS[unit]


def read_report(path):
    """Method name -> {column: cell} for one report."""
    rows, header = {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if header is None:
            header = cells
        elif cells and cells[0] and not set(cells[0]) <= set("-: "):
            rows[cells[0]] = dict(zip(header, cells))
    return rows


FELL_BACK = []


def median(row):
    """The row's median; its mean (and a footnote) in reports of runs from before Program.cs asked for medians."""
    if "Median" in row:
        return parse_time(row["Median"])
    FELL_BACK.append(row["Method"])
    return parse_time(row["Mean"])


def fmt_ns(ns):
    return f"{report.fmt_ns(ns)} ns"  # the cross-runtime table's rounding


def allocated(row):
    cell = row.get("Allocated", "?")
    return "0 B" if cell == "-" else cell


def main():
    results = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "BenchmarkDotNet.Artifacts/results")
    reports = {}
    for path in results.glob("*-report-github.md"):
        match = re.search(r"\.(\w+)-report-github\.md$", path.name)
        if match:
            reports[match.group(1)] = read_report(path)
    print("| Workload | EventLoop (median) | Floor (median) | Ratio of medians | Target | Allocated | Other rows (median) |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for label, report_class, loop, floor, floor_name, target, others in ROWS:
        rows = reports.get(report_class, {})
        if loop not in rows or floor not in rows:
            print(f"| {label} | missing | missing |  | {target} |  | {report_class}.{loop} or {floor} not in {results} |")
            continue
        loop_ns, floor_ns = median(rows[loop]), median(rows[floor])
        extra = []
        for other_label, method in others:
            if method in rows:
                other_ns = median(rows[method])
                extra.append(f"{other_label}: {fmt_ns(other_ns)} ({other_ns / floor_ns:.2f}×, {allocated(rows[method])})")
            else:
                extra.append(f"{other_label}: missing")
        print(f"| {label} | {fmt_ns(loop_ns)} | {fmt_ns(floor_ns)} ({floor_name}) | {loop_ns / floor_ns:.2f}× "
              f"| {target} | {allocated(rows[loop])} | {'; '.join(extra)} |")
    if FELL_BACK:
        print(f"\nMeans, not medians (the report has no Median column): {', '.join(FELL_BACK)}.")


if __name__ == "__main__":
    main()
