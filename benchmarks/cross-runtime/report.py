"""Turns run.sh's JSON lines into the markdown table (RESULTS.md, stdout) and chart.svg.

Medians over the rounds per (runtime, workload); each peer's ratio is its median divided by
EventLoop's (how many times slower than this project it is). The spread (the middle half of
the rounds, and the fastest and slowest) goes in a table of its own, and a target verdict says
when the middle halves of two runtimes overlap: on a VM whose runs move 10 to 40 %, a ratio
near 1 is then not decided by the data. One slow outlier does not count as overlap.
No third-party packages: the SVG is written by hand.
"""
import argparse
import datetime
import json
import math
import statistics
from collections import defaultdict

OURS = "EventLoop"

WORKLOADS = [
    ("w1_chain", "W1 chain: 1,000,000 `call_soon`, each scheduling the next"),
    ("w1_queued", "W1 queued: 1,000,000 `call_soon` up front, one iteration"),
    ("w2_fire_cpu", "W2 schedule+fire, CPU per timer: 200,000 `call_later` in [0, 50 ms]"),
    ("w2_fire_wall", "W2 schedule+fire, wall per timer (≥ 250 ns: the last is due at 50 ms)"),
    ("w2_cancel", "W2 schedule+cancel: 200,000 `call_later`, all cancelled"),
    ("w3_spawn", "W3 spawn: 100,000 tasks awaiting `sleep(0)` once, gathered"),
    ("w4_futures", "W4 ping-pong through futures, per round trip"),
    ("w4_queue", "W4 ping-pong through `Queue(1)`, per round trip"),
    ("w5_await_done", "W5 await a finished future"),
    ("w5_sleep0", "W5 `sleep(0)`"),
]
SHORT = {
    "w1_chain": "W1 chain", "w1_queued": "W1 queued", "w2_fire_cpu": "W2 fire (CPU)",
    "w2_fire_wall": "W2 fire (wall)", "w2_cancel": "W2 cancel", "w3_spawn": "W3 spawn",
    "w4_futures": "W4 futures", "w4_queue": "W4 queue", "w5_await_done": "W5 await done",
    "w5_sleep0": "W5 sleep(0)",
}
COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]


def fmt_ns(v):
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def fmt_ratio(r):
    return f"{r:,.0f}×" if r >= 100 else f"{r:.1f}×" if r >= 10 else f"{r:.2f}×"


def quartiles(values):
    """(min, first quartile, third quartile, max) of one runtime's rounds on one workload."""
    v = sorted(values)
    if len(v) < 2:
        return v[0], v[0], v[0], v[0]
    q1, _, q3 = statistics.quantiles(v, n=4, method="inclusive")
    return v[0], q1, q3, v[-1]


def overlaps(spreads, runtime, w):
    """Whether the middle halves of the peer's rounds and EventLoop's overlap on workload w."""
    _, lo_a, hi_a, _ = spreads[OURS][w]
    _, lo_b, hi_b, _ = spreads[runtime][w]
    return lo_a <= hi_b and lo_b <= hi_a


def targets(medians, spreads, runtimes):
    """The peer targets: ≥5× faster than Debian's asyncio and uvloop (15× on W1 chain and
    sleep(0)), faster than Node 20, on every workload (W2 fire in CPU; wall time is not a target)."""
    lines = []
    ours = medians.get(OURS, {})
    for runtime in runtimes:
        if runtime == OURS:
            continue
        if runtime.startswith("Node"):
            need = {w: 1.0 for w, _ in WORKLOADS}
        elif "Debian" in runtime:
            need = {w: (15.0 if w in ("w1_chain", "w5_sleep0") else 5.0) for w, _ in WORKLOADS}
        else:
            continue
        fails, close = [], []
        for w, _ in WORKLOADS:
            if w == "w2_fire_wall":
                continue
            if w not in ours or w not in medians.get(runtime, {}):
                fails.append(f"{SHORT[w]} (no data)")
                continue
            r = medians[runtime][w] / ours[w]
            # Only where the target is "faster" does an overlap of the ranges leave it undecided.
            undecided = need[w] == 1.0 and overlaps(spreads, runtime, w)
            if r < need[w]:
                fails.append(f"{SHORT[w]} {fmt_ratio(r)} < {need[w]:g}×" + (" (the middle halves overlap)" if undecided else ""))
            elif undecided:
                close.append(f"{SHORT[w]} {fmt_ratio(r)}")
        verdict = "holds on every workload" if not fails else "misses: " + "; ".join(fails)
        if close:
            verdict += ("; " if fails else ", ") + "within the spread (the middle halves overlap) on: " + "; ".join(close)
        lines.append(f"- vs {runtime} (needs ≥ {'1× (faster)' if runtime.startswith('Node') else '5×, 15× on W1 chain and sleep(0)'}): {verdict}")
    return lines


def chart(medians, runtimes, path):
    present = [r for r in runtimes if medians.get(r)]
    values = [v for r in present for v in medians[r].values()]
    lo = 10 ** math.floor(math.log10(min(values)))
    hi = 10 ** math.ceil(math.log10(max(values)))
    groups = [w for w, _ in WORKLOADS]
    bar, gap = 14, 18
    group_w = bar * len(present) + gap
    left, top, right, bottom = 70, 60, 20, 80
    plot_h = 380
    width = left + group_w * len(groups) + right
    height = top + plot_h + bottom

    def y(v):
        return top + plot_h * (1 - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)))

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="20" font-size="14" font-weight="bold">ns per operation (log scale, lower is better), median of the rounds</text>',
    ]
    d = lo
    while d <= hi * 1.0001:
        yy = y(d)
        label = f"{d:,.0f}" if d >= 1 else f"{d:g}"
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#ccc"/>')
        out.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{label}</text>')
        d *= 10
    for gi, w in enumerate(groups):
        x0 = left + gi * group_w + gap / 2
        for ri, r in enumerate(present):
            v = medians[r].get(w)
            if v is None:
                continue
            x = x0 + ri * bar
            yy = y(v)
            out.append(f'<rect x="{x:.1f}" y="{yy:.1f}" width="{bar - 2}" height="{top + plot_h - yy:.1f}" '
                       f'fill="{COLORS[runtimes.index(r) % len(COLORS)]}"><title>{r} {SHORT[w]}: {fmt_ns(v)} ns</title></rect>')
        cx = x0 + bar * len(present) / 2
        out.append(f'<text x="{cx:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{SHORT[w]}</text>')
    out.append(f'<text x="{left - 6}" y="{top - 30}" text-anchor="end" fill="#555">ns/op</text>')
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="#333"/>')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#333"/>')
    lx = left
    for r in runtimes:
        color = COLORS[runtimes.index(r) % len(COLORS)]
        label = r if medians.get(r) else f"{r} (missing)"
        out.append(f'<rect x="{lx}" y="{top - 22}" width="12" height="12" fill="{color}"/>')
        out.append(f'<text x="{lx + 16}" y="{top - 12}">{label}</text>')
        lx += 16 + 6.2 * len(label) + 22
    out.append(f'<text x="{left}" y="{height - 20}" fill="#555">W2 fire (CPU) is process CPU time per timer; '
               f'every other bar is wall time per operation. Source: benchmarks/cross-runtime/RESULTS.md</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    p = argparse.ArgumentParser()
    for name in ("raw", "missing", "rounds", "py-scale", "cpu", "cores", "load", "versions", "command",
                 "results", "chart", "order"):
        p.add_argument("--" + name, required=True)
    a = p.parse_args()

    runtimes = [line for line in a.order.splitlines() if line.strip()]
    missing = {line.strip() for line in open(a.missing) if line.strip()}
    samples = defaultdict(lambda: defaultdict(list))
    for line in open(a.raw):
        line = line.strip()
        if not line.startswith("{"):
            continue
        rec = json.loads(line)
        runtime = rec["runtime"]
        if runtime.startswith("EventLoop"):
            runtime = OURS
        samples[runtime][rec["workload"]].append(rec["ns_per_op"])
    medians = {r: {w: statistics.median(v) for w, v in ws.items()} for r, ws in samples.items()}
    spreads = {r: {w: quartiles(v) for w, v in ws.items()} for r, ws in samples.items()}
    ours = medians.get(OURS, {})

    head = ["Workload", f"{OURS} ns/op"] + [f"{r} ns/op (× {OURS})" for r in runtimes if r != OURS]
    rows = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    for w, desc in WORKLOADS:
        cells = [desc, fmt_ns(ours[w]) if w in ours else ("missing" if OURS in missing else "n/a")]
        for r in runtimes:
            if r == OURS:
                continue
            if r in missing or r not in medians:
                cells.append("missing")
            elif w not in medians[r]:
                cells.append("n/a")
            else:
                v = medians[r][w]
                cells.append(f"{fmt_ns(v)} ({fmt_ratio(v / ours[w])})" if w in ours else fmt_ns(v))
        rows.append("| " + " | ".join(cells) + " |")
    table = "\n".join(rows)
    print(table)

    # The same columns, each cell the middle half of the rounds and, in brackets, the fastest and slowest.
    present = [r for r in runtimes if r in medians and r not in missing]
    spread_rows = ["| " + " | ".join(["Workload"] + [f"{r} ns/op" for r in present]) + " |",
                   "|" + "|".join(["---"] + ["---:"] * len(present)) + "|"]
    for w, _ in WORKLOADS:
        cells = [SHORT[w]]
        for r in present:
            if w not in spreads[r]:
                cells.append("n/a")
                continue
            lo, q1, q3, hi = spreads[r][w]
            cells.append(f"{fmt_ns(q1)}–{fmt_ns(q3)} ({fmt_ns(lo)}–{fmt_ns(hi)})")
        spread_rows.append("| " + " | ".join(cells) + " |")
    spread_table = "\n".join(spread_rows)

    target_lines = targets(medians, spreads, runtimes)
    chart(medians, runtimes, a.chart)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    quiet = float(a.load.split()[0]) <= 2.5 and float(a.load.split("->")[1].split()[0]) <= 2.5
    md = [
        "# Cross-runtime comparison",
        "",
        f"Medians of {a.rounds} interleaved rounds; ns per operation, lower is better. In brackets, how many",
        f"times slower than {OURS} each peer is. Generated by `{a.command}` on {now}.",
        "",
        table,
        "",
        "![ns/op per workload and runtime, log scale](chart.svg)",
        "",
        "## Spread",
        "",
        f"The middle half of the {a.rounds} rounds (first to third quartile) and, in brackets, the fastest and",
        "the slowest. Each round is a fresh process, and on this VM one binary's runs differ by 10 to 40 %",
        "from process to process, even on an idle machine (see docs/performance.md): a median ratio near 1",
        "whose middle halves overlap is a draw, not a result. The samples are in `raw.jsonl`.",
        "",
        spread_table,
        "",
        "## Peer targets",
        "",
        *target_lines,
        "",
        "## Machine and runtimes",
        "",
        f"- CPU: {a.cpu}, {a.cores} cores (lscpu, nproc)",
        f"- Load average (1, 5, 15 min) before -> after: {a.load}"
        + ("" if quiet else " — **the machine was busy (other builds); absolute numbers are inflated and noisy, ratios less so**"),
        f"- {a.versions}",
        f"- Missing runtimes: {', '.join(sorted(missing)) if missing else 'none'}",
        "",
        "## Method",
        "",
        "- Each runner (`csharp/Program.cs`, `bench_asyncio.py`, `bench_node.js`) warms every workload up,",
        "  then runs it once measured, and prints one JSON line per workload; `run.sh` runs them all in turn,",
        "  the starting runtime rotating each round, and `report.py` takes the medians.",
        f"- Python runs every workload but the timers at {a.py_scale}× the count (per-operation cost barely",
        "  depends on it) and warms up once at a tenth of that (no JIT). C# and Node run each workload at",
        "  full size again and again for half a second first: .NET tiers a method up in the background after",
        "  call counts and 100 ms pauses, and one 30 ms warm-up run left W1's measured run partly unoptimized.",
        "- EventLoop runs on real time (no virtual clock). Timers use the same fixed-seed delays everywhere (a",
        "  32-bit LCG seeded 42); Node's `setTimeout` takes them rounded up to whole milliseconds.",
        "- The Node idioms: `setImmediate` for `call_soon` and `sleep(0)`, a Promise and its resolver for a",
        "  Future (no loop turn, unlike asyncio), a minimal promise-based bounded queue for `Queue(1)`.",
        "- CPU time (W2 fire) is the whole process's (GC and runtime threads included), wall time everything else.",
        "",
    ]
    with open(a.results, "w") as f:
        f.write("\n".join(md))


if __name__ == "__main__":
    main()
