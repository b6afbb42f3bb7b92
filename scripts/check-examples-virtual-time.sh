#!/usr/bin/env bash
# Runs every example in examples/ twice, under EVENTLOOP_VIRTUAL_TIME=1 and in real time
# (EVENTLOOP_VIRTUAL_TIME=0), and compares the two outputs wherever the output is deterministic.
# Every run must exit 0 within its time limit; a compared example must print the same bytes.
#
# Usage: scripts/check-examples-virtual-time.sh [--no-build]   (builds the examples in Release first)
# Exits non-zero on any failure; prints one line per example.
#
# Compared (their output depends only on the loop's order of events, which virtual time keeps):
#   01_ensure_future_nowait 02_call_soon_later_at 03_await_plain_function_future
#   04_callback_from_plain_function 06_other_functions Channels Chat Coroutines StreamsEcho TlsEcho
#   ProtocolEcho UdpEcho
#   EchoServer (server and clients in one program), StreamsEcho, Chat, TlsEcho, ProtocolEcho and
#   UdpEcho use loopback
#     sockets: the virtual clock waits for the bytes in flight, so they print the same.
# Not compared with real time (run twice on virtual time instead; both runs must agree):
#   05_wait_first_and_all: a Wait with a 0.15 s timeout over a task that sleeps 0.15 s: on
#     virtual time the tie is broken by scheduling order (as in the .expected file); in real
#     time by clock jitter, so either outcome prints.
#   Pipeline: prints the loop time of each event to 0.1 s; in real time the JIT and the
#     machine's load shift the early ones (0.0 becomes 0.1).
#   Simulation: a simulated day of a cafe, with hours of sleeps: in real time it would run for
#     hours. The same seed prints the same trace.
#   Timeline: it makes its own virtual-time loop (EventLoopOptions { VirtualTime = true }), so
#     the variable changes nothing; its output files are compared run against run.
#   GameLoop: a frame loop on its own virtual clock, likewise.
# HostedService (a Generic Host with a loop service) is compared: its output is the loop's order.
# Not run: LoopPerCore, a server on several threads that serves until stopped, and whose
#   connection counts per loop are the kernel's choice; LoopPerCoreExampleTests runs it.
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

compared=(01_ensure_future_nowait 02_call_soon_later_at 03_await_plain_function_future
          04_callback_from_plain_function 06_other_functions
          Channels Chat Coroutines StreamsEcho EchoServer HostedService TlsEcho ProtocolEcho UdpEcho)
rerun_on_virtual=(05_wait_first_and_all Pipeline Simulation Timeline GameLoop)
not_run=(LoopPerCore)

# A new example must be put in one of the lists, so that none is skipped unnoticed.
for dir in examples/*/; do
    name=$(basename "$dir")
    [ -f "$dir/$name.csproj" ] || continue
    case " ${compared[*]} ${rerun_on_virtual[*]} ${not_run[*]} " in
        *" $name "*) ;;
        *) echo "FAIL  $name: in no list of scripts/check-examples-virtual-time.sh"; exit 1 ;;
    esac
done
limit=120 # seconds of real time per run

if [ "${1:-}" != "--no-build" ]; then
    for dir in examples/*/; do
        name=$(basename "$dir")
        [ -f "$dir/$name.csproj" ] || continue
        dotnet build "$dir/$name.csproj" -c Release -v q -nologo >/dev/null || { echo "build failed: $name"; exit 1; }
    done
fi

out=$(mktemp -d)
failures=0

# run NAME MODE OUTFILE [ARGS...]: runs the example's built dll in its own folder.
run() {
    local name=$1 mode=$2 file=$3
    shift 3
    local dll assembly
    # Each example names its assembly (<AssemblyName>); the folder name otherwise.
    assembly=$(sed -n 's:.*<AssemblyName>\(.*\)</AssemblyName>.*:\1:p' "examples/$name/$name.csproj")
    dll=$(find "examples/$name/bin/Release" -name "${assembly:-$name}.dll" 2>/dev/null | head -1)
    if [ -z "$dll" ]; then
        echo "missing build: $name" >"$file"
        return 1
    fi
    (cd "examples/$name" && EVENTLOOP_VIRTUAL_TIME=$mode timeout "$limit" dotnet "../../$dll" "$@") >"$file" 2>&1
}

for name in "${compared[@]}"; do
    if ! run "$name" 1 "$out/$name.virtual"; then
        echo "FAIL  $name: the virtual-time run failed or timed out"; tail -5 "$out/$name.virtual"; failures=$((failures + 1)); continue
    fi
    if ! run "$name" 0 "$out/$name.real"; then
        echo "FAIL  $name: the real-time run failed or timed out"; tail -5 "$out/$name.real"; failures=$((failures + 1)); continue
    fi
    if cmp -s "$out/$name.virtual" "$out/$name.real"; then
        echo "same  $name"
    else
        echo "FAIL  $name: virtual time and real time print different output"
        diff "$out/$name.virtual" "$out/$name.real" | head -10
        failures=$((failures + 1))
    fi
done

for name in "${rerun_on_virtual[@]}"; do
    mkdir -p "$out/$name.a" "$out/$name.b"
    # Timeline writes its files to the folder given; the others take no argument.
    a=(); b=()
    if [ "$name" = Timeline ]; then a=("$out/$name.a"); b=("$out/$name.b"); fi
    if ! run "$name" 1 "$out/$name.a/stdout" "${a[@]}" || ! run "$name" 1 "$out/$name.b/stdout" "${b[@]}"; then
        echo "FAIL  $name: a virtual-time run failed or timed out"; failures=$((failures + 1)); continue
    fi
    # Timeline's stdout names the folder it wrote to: those lines differ by design.
    if diff -r -I '^trace: \|^timeline: ' "$out/$name.a" "$out/$name.b" >/dev/null; then
        echo "same  $name (two virtual-time runs)"
    else
        echo "FAIL  $name: two virtual-time runs differ"
        diff -r -I '^trace: \|^timeline: ' "$out/$name.a" "$out/$name.b" | head -10
        failures=$((failures + 1))
    fi
done

rm -rf "$out"
if [ "$failures" -ne 0 ]; then
    echo "$failures example(s) failed"
    exit 1
fi
echo "all examples agree"
