#!/usr/bin/env bash
# Record (or with --check, verify) the CPython transcripts of the asyncio programs.
# Usage: scripts/record-transcripts.sh [--check]
# Each src/EventLoop.Tests/Transcripts/programs/NAME.py is run with
# PYENV_VERSION=${PYENV_VERSION:-3.12.1} python3; its stdout is NAME.expected.
set -euo pipefail

check=0
case "${1:-}" in
    "") ;;
    --check) check=1 ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
programs_dir="src/EventLoop.Tests/Transcripts/programs"
export PYENV_VERSION="${PYENV_VERSION:-3.12.1}"

cd "$repo_root"
shopt -s nullglob
programs=("$programs_dir"/*.py)
if [ ${#programs[@]} -eq 0 ]; then
    echo "no programs found in $programs_dir" >&2
    exit 1
fi

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
failed=0
count=0
for py in "${programs[@]}"; do
    expected="${py%.py}.expected"
    count=$((count + 1))
    if ! PYTHONDONTWRITEBYTECODE=1 python3 "$py" >"$tmp"; then
        echo "FAILED TO RUN: $py" >&2
        failed=1
        continue
    fi
    if [ "$check" -eq 1 ]; then
        if [ ! -f "$expected" ]; then
            echo "MISSING: $expected"
            failed=1
        elif ! cmp -s "$tmp" "$expected"; then
            echo "MISMATCH: $py"
            failed=1
        fi
    else
        cp "$tmp" "$expected"
    fi
done

if [ "$check" -eq 1 ]; then
    if [ "$failed" -ne 0 ]; then
        exit 1
    fi
    echo "all $count transcripts match (python $(python3 -c 'import platform; print(platform.python_version())'))"
else
    echo "recorded $count transcripts (python $(python3 -c 'import platform; print(platform.python_version())'))"
    exit "$failed"
fi
