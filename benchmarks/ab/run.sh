#!/usr/bin/env bash
# A/B comparison of two versions of the loop on the same workloads, run alternately so that both
# see the same machine (on a VM, single runs move 10 to 40 %; one pair of runs decides nothing).
#
#   benchmarks/ab/run.sh BASE [RUNS] [WORKLOAD...]
#
# BASE is a commit (HEAD~1, a tag, a hash); it is compared with the working tree, uncommitted
# changes included. RUNS (default 8) pairs of processes per workload, each printing the median of
# 11 rounds after a half-second warm-up. WORKLOAD: chain, queued, timers, cancel, spawn, pingpong,
# queue, await, sleep0, lock, dotnet, yield (default: all): the cross-runtime workloads, on real time. Prints the
# median of each side and their ratio (below 1: faster).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

base=${1:?usage: benchmarks/ab/run.sh BASE [RUNS] [WORKLOAD...]}
runs=${2:-8}
shift $(( $# < 2 ? $# : 2 ))
workloads=("$@")
[ ${#workloads[@]} -eq 0 ] && workloads=(chain queued timers cancel spawn pingpong queue await sleep0 lock dotnet yield)

tmp=$(mktemp -d)
cleanup() { git -C "$root" worktree remove --force "$tmp/tree" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
git worktree add --detach -q "$tmp/tree" "$base"

# The same program, copied so that each build has its own obj/, against each tree.
for side in base head; do
    cp -r benchmarks/ab "$tmp/ab-$side"
    rm -rf "$tmp/ab-$side/bin" "$tmp/ab-$side/obj"
done
# Both sides run the working tree's workloads (benchmarks/cross-runtime/csharp/Workloads.cs).
build() { dotnet build "$tmp/ab-$1/Ab.csproj" -c Release -p:EventLoopRoot="$2" \
              -p:WorkloadsFile="$root/benchmarks/cross-runtime/csharp/Workloads.cs" -o "$tmp/out-$1" >"$tmp/build-$1.log" 2>&1 ||
          { tail -20 "$tmp/build-$1.log"; echo "build against $1 failed"; exit 1; }; }
build base "$tmp/tree"
build head "$root"

printf '| Workload | %s ns/op | working tree ns/op | ratio |\n|---|---:|---:|---:|\n' "$base"
for workload in "${workloads[@]}"; do
    : >"$tmp/base.txt"; : >"$tmp/head.txt"
    for _ in $(seq "$runs"); do
        dotnet "$tmp/out-base/Ab.dll" "$workload" | awk '{print $2}' >>"$tmp/base.txt"
        dotnet "$tmp/out-head/Ab.dll" "$workload" | awk '{print $2}' >>"$tmp/head.txt"
    done
    python3 - "$workload" "$tmp/base.txt" "$tmp/head.txt" <<'PY'
import statistics, sys
name, a, b = sys.argv[1], [float(x) for x in open(sys.argv[2])], [float(x) for x in open(sys.argv[3])]
ma, mb = statistics.median(a), statistics.median(b)
print(f"| {name} | {ma:,.1f} ({min(a):,.1f}-{max(a):,.1f}) | {mb:,.1f} ({min(b):,.1f}-{max(b):,.1f}) | {mb / ma:.2f} |")
PY
done
