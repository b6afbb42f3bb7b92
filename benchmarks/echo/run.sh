#!/usr/bin/env bash
# Echo-server benchmark: the same echo server in C# (this library), asyncio, uvloop and Node,
# driven by one load generator (client/), N concurrent clients on 127.0.0.1 exchanging 1 KiB,
# 10 KiB and 100 KiB messages, a fixed count each. Prints one markdown table of requests/second.
# Traffic stays on 127.0.0.1; every server and client run is bounded by `timeout`.
# usage: benchmarks/echo/run.sh [CLIENTS]   (environment: PY312=command for CPython 3.12)
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
CLIENTS=${1:-10}
PORT_BASE=${PORT_BASE:-25100}
SIZES=(1024 10240 102400)
declare -A TOTAL=([1024]=100000 [10240]=40000 [102400]=8000)
LIMIT=120   # seconds, per client run

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build -c Release -v q --nologo client/EchoClient.csproj >/dev/null || { echo "client build failed"; exit 1; }
dotnet build -c Release -v q --nologo "$ROOT/examples/EchoServer/EchoServer.csproj" >/dev/null || { echo "server build failed"; exit 1; }
CLIENT="dotnet client/bin/Release/net10.0/EchoClient.dll"
CSHARP="dotnet $ROOT/examples/EchoServer/bin/Release/net10.0/ExampleEchoServer.dll --serve"
PY312=${PY312:-"env PYENV_VERSION=3.12.1 python3"}

servers=()
commands=()
servers+=("C# EventLoop (.NET $(dotnet --version))"); commands+=("$CSHARP")
if $PY312 -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
  servers+=("asyncio (CPython $($PY312 -c 'import platform; print(platform.python_version())'))"); commands+=("$PY312 server_asyncio.py")
else
  servers+=("asyncio (CPython 3.12)"); commands+=("MISSING")
fi
servers+=("asyncio (Debian CPython $(/usr/bin/python3 -c 'import platform; print(platform.python_version())'))"); commands+=("/usr/bin/python3 server_asyncio.py")
if /usr/bin/python3 -c 'import uvloop' 2>/dev/null; then
  servers+=("uvloop $(/usr/bin/python3 -c 'import uvloop; print(uvloop.__version__)') (Debian CPython)"); commands+=("UVLOOP")
else
  servers+=("uvloop (python3-uvloop)"); commands+=("MISSING")
fi
if command -v node >/dev/null; then
  servers+=("Node $(node --version) net"); commands+=("node server_node.js")
else
  servers+=("Node net"); commands+=("MISSING")
fi

echo "| server | 1 KiB req/s | 10 KiB req/s | 100 KiB req/s |"
echo "| --- | ---: | ---: | ---: |"
for i in "${!servers[@]}"; do
  name=${servers[$i]}; cmd=${commands[$i]}
  if [ "$cmd" = MISSING ]; then
    echo "| $name | missing | missing | missing |"
    continue
  fi
  port=$((PORT_BASE + i))
  if [ "$cmd" = UVLOOP ]; then
    timeout 600 /usr/bin/python3 server_asyncio.py "$port" --uvloop >/dev/null 2>&1 &
  else
    timeout 600 $cmd "$port" >/dev/null 2>&1 &
  fi
  server_pid=$!
  row="| $name |"
  for size in "${SIZES[@]}"; do
    rps=$(timeout $((LIMIT + 30)) $CLIENT "$port" "$CLIENTS" "$size" "${TOTAL[$size]}" "$LIMIT" 2>/dev/null) || rps="failed"
    row="$row $rps |"
  done
  kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null
  echo "$row"
done
