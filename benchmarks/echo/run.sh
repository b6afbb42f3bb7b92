#!/usr/bin/env bash
# Echo-server benchmark: the same echo server in C# (this library), asyncio, uvloop and Node,
# driven by one load generator (client/): CLIENTS concurrent clients on 127.0.0.1 (10 and 100 by
# default), each sending a message and reading its whole echo back before the next, a fixed count
# in all: TCP streams with 1 KiB, 10 KiB and 100 KiB messages, the same over protocols (create_server
# and data_received; Node has one kind of TCP server only, listed as tcp), and UDP datagrams of 1 KiB.
# Prints one markdown table: requests/second and the median and 99th-percentile latency per request.
# The first row is a floor: server_c_epoll.c, the least any single-threaded server can do here.
# Traffic stays on 127.0.0.1; every server and client run is bounded by `timeout`.
# usage: benchmarks/echo/run.sh [CLIENTS...]   (environment: PY312=command for CPython 3.12,
#        SCALE=fraction of the default request counts, e.g. 0.2 for a quick look,
#        KINDS=which of "tcp proto udp" to run (default all),
#        ONLY=extended regex: run only the servers whose name matches, e.g. ONLY='^C#',
#        SIZES="1024 ...": the TCP message sizes, LOOPS=loops of the loop-per-core server,
#        CLIENT_C=1: TCP load from client_c.c, a one-thread epoll client in C, instead of client/)
# "C# EventLoop, loop per core" is examples/LoopPerCore: LOOPS loops (default: one per core), one
# thread each, sharing the port with SO_REUSEPORT; TCP streams only. Its connections per loop are
# printed under the table (the kernel spreads them by hash, and each client keeps one connection).
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
CLIENT_COUNTS=("$@")
[ ${#CLIENT_COUNTS[@]} -eq 0 ] && CLIENT_COUNTS=(10 100)
PORT_BASE=${PORT_BASE:-25100}
SCALE=${SCALE:-1}
read -r -a SIZES <<<"${SIZES:-1024 10240 102400}"
read -r -a KIND_LIST <<<"${KINDS:-tcp proto udp}"
ONLY=${ONLY:-}
LOOPS=${LOOPS:-$(nproc)}
declare -A TOTAL=([1024]=30000 [10240]=15000 [102400]=3000 [udp]=30000)
for k in "${!TOTAL[@]}"; do TOTAL[$k]=$(python3 -c "print(max(200, int(${TOTAL[$k]} * $SCALE)))"); done
LIMIT=120   # seconds, per client run

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release -v q --nologo client/EchoClient.csproj >/dev/null || { echo "client build failed"; exit 1; }
dotnet build -c Release -v q --nologo "$ROOT/examples/EchoServer/EchoServer.csproj" >/dev/null || { echo "server build failed"; exit 1; }
dotnet build -c Release -v q --nologo udp_server/UdpEchoServer.csproj >/dev/null || { echo "UDP server build failed"; exit 1; }
dotnet build -c Release -v q --nologo protocol_server/ProtocolEchoServer.csproj >/dev/null || { echo "protocol server build failed"; exit 1; }
dotnet build -c Release -v q --nologo "$ROOT/examples/LoopPerCore/LoopPerCore.csproj" >/dev/null || { echo "loop-per-core server build failed"; exit 1; }
CLIENT="dotnet client/bin/Release/net10.0/EchoClient.dll"
# The floor: server_c_epoll.c, a bare epoll echo in C, when a C compiler is there.
CFLOOR_DIR=$(mktemp -d)
trap 'rm -rf "$CFLOOR_DIR"' EXIT
CFLOOR=MISSING
command -v cc >/dev/null && cc -O2 -o "$CFLOOR_DIR/server_c_epoll" server_c_epoll.c 2>/dev/null && CFLOOR="$CFLOOR_DIR/server_c_epoll"
# CLIENT_C=1: the TCP load comes from client_c.c (one thread, epoll) instead of client/ (UDP stays on client/).
TCP_CLIENT=$CLIENT
if [ "${CLIENT_C:-0}" = 1 ]; then
  cc -O2 -o "$CFLOOR_DIR/client_c" client_c.c || { echo "client_c build failed"; exit 1; }
  TCP_CLIENT="$CFLOOR_DIR/client_c"
fi
PY312=${PY312:-"env PYENV_VERSION=3.12.1 python3"}

# Each server: its name, its TCP stream, TCP protocol and UDP commands (the port is appended); MISSING when absent.
names=(); tcp=(); proto=(); udp=()
names+=("floor: C, epoll, one thread (cc -O2)")
tcp+=("$CFLOOR"); proto+=(NONE); udp+=(NONE)
names+=("C# EventLoop (.NET $(dotnet --version))")
tcp+=("dotnet $ROOT/examples/EchoServer/bin/Release/net10.0/ExampleEchoServer.dll --serve")
proto+=("dotnet protocol_server/bin/Release/net10.0/ProtocolEchoServer.dll")
udp+=("dotnet udp_server/bin/Release/net10.0/UdpEchoServer.dll")
names+=("C# EventLoop, loop per core ($LOOPS loops)")
tcp+=("PERCORE dotnet $ROOT/examples/LoopPerCore/bin/Release/net10.0/ExampleLoopPerCore.dll --loops $LOOPS --port")
proto+=(NONE); udp+=(NONE)
if $PY312 -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
  names+=("asyncio (CPython $($PY312 -c 'import platform; print(platform.python_version())'))")
  tcp+=("$PY312 server_asyncio.py"); proto+=("$PY312 server_asyncio.py --protocol"); udp+=("$PY312 server_udp.py")
else
  names+=("asyncio (CPython 3.12)"); tcp+=(MISSING); proto+=(MISSING); udp+=(MISSING)
fi
names+=("asyncio (Debian CPython $(/usr/bin/python3 -c 'import platform; print(platform.python_version())'))")
tcp+=("/usr/bin/python3 server_asyncio.py"); proto+=("/usr/bin/python3 server_asyncio.py --protocol"); udp+=("/usr/bin/python3 server_udp.py")
if /usr/bin/python3 -c 'import uvloop' 2>/dev/null; then
  names+=("uvloop $(/usr/bin/python3 -c 'import uvloop; print(uvloop.__version__)') (Debian CPython)")
  tcp+=("UVLOOP server_asyncio.py"); proto+=("UVLOOP server_asyncio.py --protocol"); udp+=("UVLOOP server_udp.py")
else
  names+=("uvloop (python3-uvloop)"); tcp+=(MISSING); proto+=(MISSING); udp+=(MISSING)
fi
if command -v node >/dev/null; then
  names+=("Node $(node --version)"); tcp+=("node server_node.js"); proto+=(NONE); udp+=("node server_udp_node.js")
else
  names+=("Node"); tcp+=(MISSING); proto+=(NONE); udp+=(MISSING)
fi

# start_server COMMAND PORT: starts it in the background, bounded; sets server_pid.
# The loop-per-core server is waited for until all its loops listen: a client connecting
# earlier would only ever reach the first loop.
percore_out=$(mktemp)
percore_counts=()
start_server() {
  local cmd=$1 port=$2
  if [[ $cmd == UVLOOP* ]]; then
    timeout 900 /usr/bin/python3 ${cmd#UVLOOP } "$port" --uvloop >/dev/null 2>&1 &
  elif [[ $cmd == PERCORE* ]]; then
    : >"$percore_out"
    timeout 900 ${cmd#PERCORE } "$port" >"$percore_out" 2>/dev/null &
    for _ in $(seq 300); do grep -q "loops serving" "$percore_out" && break; sleep 0.1; done
  else
    timeout 900 $cmd "$port" >/dev/null 2>&1 &
  fi
  server_pid=$!
}

echo "| server | transport | clients | size | req/s | p50 ms | p99 ms |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
for i in "${!names[@]}"; do
  name=${names[$i]}
  [ -n "$ONLY" ] && ! [[ $name =~ $ONLY ]] && continue
  for kind in "${KIND_LIST[@]}"; do
    case $kind in
      tcp) cmd=${tcp[$i]}; sizes=("${SIZES[@]}") ;;
      proto) cmd=${proto[$i]}; sizes=("${SIZES[@]}") ;;
      *) cmd=${udp[$i]}; sizes=(1024) ;;
    esac
    [ "$cmd" = NONE ] && continue
    if [ "$cmd" = MISSING ]; then
      echo "| $name | $kind | | | missing | | |"
      continue
    fi
    port=$((PORT_BASE + 3 * i)); [ $kind = udp ] && port=$((port + 1)); [ $kind = proto ] && port=$((port + 2))
    start_server "$cmd" "$port"
    for clients in "${CLIENT_COUNTS[@]}"; do
      for size in "${sizes[@]}"; do
        if [ $kind = udp ]; then total=${TOTAL[udp]}; mode=udp; else total=${TOTAL[$size]}; mode=""; fi
        load=$CLIENT; [ $kind != udp ] && load=$TCP_CLIENT
        out=$(timeout $((LIMIT + 30)) $load "$port" "$clients" "$size" "$total" "$LIMIT" $mode 2>/dev/null) || out="failed"
        read -r rps p50 p99 lost <<<"$out"
        note=""
        [ -n "${lost:-}" ] && [ "$lost" != 0 ] && note=" ($lost lost)"
        echo "| $name | $kind | $clients | $((size / 1024)) KiB | $rps$note | ${p50:-} | ${p99:-} |"
      done
    done
    kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null
    if [[ $cmd == PERCORE* ]]; then
      percore_counts+=("$(grep '^loop ' "$percore_out" | sed 's/ connections//' | paste -sd, - | sed 's/,/, /g')")
    fi
  done
done
rm -f "$percore_out"
if [ ${#percore_counts[@]} -gt 0 ]; then
  echo
  echo "Loop per core, connections per loop over the whole run (including the untimed warm-up): ${percore_counts[*]}"
fi
