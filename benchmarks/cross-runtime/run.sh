#!/usr/bin/env bash
# Cross-runtime comparison: the performance workloads (W1 to W5) on this project's EventLoop, CPython
# asyncio (pyenv 3.12 and Debian's python3), uvloop (Debian's python3-uvloop on Debian's python3)
# and Node 20, run interleaved for several rounds; prints one markdown table of medians (ns/op and
# each peer's ratio to EventLoop) and writes it to RESULTS.md with the machine and the command,
# plus chart.svg (log-scale ns/op per workload and runtime).
#
#     benchmarks/cross-runtime/run.sh [ROUNDS]        # default 5 rounds
#
# Environment: PY_SCALE (default 0.25) shrinks the Python workloads except the timers, so that a
# round stays short; per-operation times barely depend on the count. A runtime that is not
# installed is reported as "missing" in the table, not left out.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${1:-5}"
py_scale="${PY_SCALE:-0.25}"
# Every round's JSON line is kept beside RESULTS.md, so that the report can be re-made and
# checked: python3 report.py --raw raw.jsonl ... (the arguments are at the end of this script).
raw="$here/raw.jsonl"
: >"$raw"
missing="$(mktemp)"
trap 'rm -f "$missing"' EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "building the C# runner..." >&2
dotnet build "$here/csharp/CrossRuntime.csproj" -c Release -warnaserror -v q -nologo >/dev/null || {
    echo "C# runner failed to build" >&2; exit 1; }
csharp_dll="$here/csharp/bin/Release/net10.0/CrossRuntime.dll"

# name | availability check | command
declare -a names checks commands
add() { names+=("$1"); checks+=("$2"); commands+=("$3"); }
add "EventLoop" "test -f '$csharp_dll'" "dotnet '$csharp_dll'"
add "asyncio 3.12 (pyenv)" "PYENV_VERSION=3.12.1 python3 -c 'import sys; assert sys.version_info[:2] == (3, 12)'" \
    "PYENV_VERSION=3.12.1 python3 '$here/bench_asyncio.py' --scale $py_scale --runtime 'asyncio 3.12 (pyenv)'"
debian_py="$(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo '?')"
add "asyncio $debian_py (Debian)" "/usr/bin/python3 -c 'import asyncio'" \
    "/usr/bin/python3 '$here/bench_asyncio.py' --scale $py_scale --runtime 'asyncio $debian_py (Debian)'"
add "uvloop (Debian)" "/usr/bin/python3 -c 'import uvloop'" \
    "/usr/bin/python3 '$here/bench_asyncio.py' --uvloop --scale $py_scale --runtime 'uvloop (Debian)'"
add "Node 20" "node -e 'process.exit(process.versions.node.startsWith(\"20.\") ? 0 : 1)'" \
    "node '$here/bench_node.js' --runtime 'Node 20'"

# Versions, for the table's header.
versions="EventLoop: .NET SDK $(dotnet --version 2>/dev/null); asyncio 3.12 (pyenv): $(PYENV_VERSION=3.12.1 python3 -c 'import sys, sysconfig; print("Python", sys.version.split()[0], "built with" if "--enable-optimizations" in (sysconfig.get_config_var("CONFIG_ARGS") or "") else "built without", "PGO/LTO (--enable-optimizations)")' 2>&1 | head -1); Debian's python3: $(/usr/bin/python3 --version 2>&1 | head -1); uvloop: $(/usr/bin/python3 -c 'import uvloop; print(uvloop.__version__)' 2>/dev/null || echo missing); Node: $(node --version 2>/dev/null || echo missing)"

available=()
for i in "${!names[@]}"; do
    if bash -c "${checks[$i]}" >/dev/null 2>&1; then
        available+=("$i")
    else
        echo "${names[$i]}" >>"$missing"
        echo "missing: ${names[$i]}" >&2
    fi
done

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < rounds; r++)); do
    # Interleaved: every runtime once per round, the starting runtime rotating from round to round.
    count=${#available[@]}
    for ((k = 0; k < count; k++)); do
        i=${available[$(((k + r) % count))]}
        echo "round $((r + 1))/$rounds: ${names[$i]} (load $(cut -d' ' -f1 /proc/loadavg))" >&2
        bash -c "${commands[$i]}" >>"$raw" || echo "${names[$i]} failed in round $((r + 1))" >&2
    done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 "$here/report.py" --order "$(printf '%s\n' "${names[@]}")" --raw "$raw" --missing "$missing" --rounds "$rounds" --py-scale "$py_scale" \
    --cpu "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" --cores "$(nproc)" \
    --load "$load_before -> $load_after" --versions "$versions" \
    --command "benchmarks/cross-runtime/run.sh $rounds" \
    --results "$here/RESULTS.md" --chart "$here/chart.svg"
