#!/usr/bin/env bash
# Re-records the differential corpus: programs from tools/differential/gen.py (seeds 1..COUNT)
# with CPython 3.12's transcripts, one JSON line each, into
# src/EventLoop.Tests/Differential/corpus/corpus.jsonl. DifferentialCorpusTests replays them
# against EventLoop with no Python needed. Usage: scripts/record-differential.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-3000}
export PYENV_VERSION=${PYENV_VERSION:-3.12.1}
python3 -c 'import sys; assert sys.version_info[:2] == (3, 12), "CPython 3.12 is the reference: " + sys.version' 
out=src/EventLoop.Tests/Differential/corpus/corpus.jsonl
python3 - "$count" "$out" <<'PY'
import json, sys
sys.path.insert(0, "tools/differential")
import gen, run_py
count, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    for seed in range(1, count + 1):
        program = gen.generate(seed)
        f.write(json.dumps({"program": program, "expected": run_py.run_program(program)},
                           separators=(",", ":")) + "\n")
print(f"recorded {count} programs into {out}")
PY
