"""Runs fresh generated programs on CPython 3.12 and on EventLoop, and reports divergences.

    PYENV_VERSION=3.12.1 python3 tools/differential/hunt.py --minutes 30
    PYENV_VERSION=3.12.1 python3 tools/differential/hunt.py --programs 100000 --seed 1000000

Programs run in batches (one CPython process and one dotnet process a batch, never one a
program). Each divergence is grouped by its signature (the first differing line of the two
transcripts, with numbers and labels blanked); the first program of each new signature is shrunk
while it still diverges, and printed with both transcripts.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402

RUNNER_PROJECT = os.path.join(HERE, "DifferentialRunner")
# DIFFERENTIAL_RUNNER_DLL: a copy of the built runner, so that a long hunt survives rebuilds.
RUNNER_DLL = os.environ.get("DIFFERENTIAL_RUNNER_DLL") or os.path.join(
    RUNNER_PROJECT, "bin", "Release", "net10.0", "DifferentialRunner.dll")


def build_runner():
    subprocess.run(["dotnet", "build", RUNNER_PROJECT, "-c", "Release", "-v", "q", "-nologo"],
                   check=True, stdout=subprocess.DEVNULL)


def transcripts(cmd, docs):
    data = "".join(json.dumps(d, separators=(",", ":")) + "\n" for d in docs)
    out = subprocess.run(cmd, input=data, capture_output=True, text=True).stdout
    chunks = out.split("=====\n")
    result = [c.splitlines() for c in chunks[: len(docs)]]
    while len(result) < len(docs):  # a crashed process: the rest shows as missing
        result.append(["(no transcript: the runner process died)"])
    return result


def run_python(docs):
    return transcripts([sys.executable, os.path.join(HERE, "run_py.py")], docs)


# --mask: known divergences rewritten away in EventLoop's transcripts, so that a long hunt looks
# past a bug already filed (e.g. item 5's TimeoutError message) for the ones not yet found.
MASKS = []


def run_csharp(docs):
    result = transcripts(["dotnet", RUNNER_DLL], docs)
    for pattern, replacement in MASKS:
        result = [[re.sub(pattern, replacement, line) for line in t] for t in result]
    return result


def first_difference(a, b):
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1
    return i, (a[i] if i < len(a) else "(end)"), (b[i] if i < len(b) else "(end)")


def signature(a, b):
    _, x, y = first_difference(a, b)
    # Times and the numbers in labels differ from program to program; the words are the cause.
    blank = lambda s: re.sub(r"\d+", "#", s)
    return blank(x) + " <> " + blank(y)


def diverging(docs, wanted=None):
    """For each program, whether it diverges (with signature `wanted`, when given)."""
    return [py != cs and (wanted is None or signature(py, cs) == wanted)
            for py, cs in zip(run_python(docs), run_csharp(docs))]


def report(doc, py, cs, out):
    i, _, _ = first_difference(py, cs)
    out.write("program: " + json.dumps(doc, separators=(",", ":")) + "\n")
    out.write(f"first difference at line {i + 1}\n--- cpython\n" + "\n".join(py) + "\n--- eventloop\n" + "\n".join(cs) + "\n\n")
    out.flush()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--minutes", type=float, default=0)
    p.add_argument("--programs", type=int, default=0)
    p.add_argument("--seed", type=int, default=int(time.time()) % 1_000_000 * 1000)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--no-shrink", action="store_true")
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--mask", action="append", default=[], metavar="REGEX=>REPLACEMENT",
                   help="rewrite EventLoop's transcript lines before comparing (a known divergence)")
    a = p.parse_args()
    MASKS.extend(tuple(m.split("=>", 1)) for m in a.mask)
    if not a.minutes and not a.programs:
        a.programs = 1000
    if not a.no_build:
        build_runner()
    start = time.time()
    seed, run, divergent = a.seed, 0, 0
    seen = {}
    print(f"hunt from seed {seed}", flush=True)
    while True:
        if a.programs and run >= a.programs:
            break
        if a.minutes and time.time() - start >= a.minutes * 60:
            break
        n = a.batch if not a.programs else min(a.batch, a.programs - run)
        docs = [gen.generate(s) for s in range(seed, seed + n)]
        seed += n
        run += n
        for doc, py, cs in zip(docs, run_python(docs), run_csharp(docs)):
            if py == cs:
                continue
            divergent += 1
            sig = signature(py, cs)
            seen[sig] = seen.get(sig, 0) + 1
            if seen[sig] > 1:
                continue
            print(f"new divergence (seed {doc['seed']}): {sig}", flush=True)
            small = doc if a.no_shrink else gen.shrink(doc, lambda docs: diverging(docs, sig))
            report(small, run_python([small])[0], run_csharp([small])[0], sys.stdout)
        print(f"{run} programs, {divergent} divergent, {len(seen)} signatures, "
              f"{time.time() - start:.0f} s", flush=True)
    print(f"hunt: {run} programs, {divergent} divergences, {len(seen)} distinct signatures")
    for sig, count in sorted(seen.items(), key=lambda kv: -kv[1]):
        print(f"  {count:6}  {sig}")
    return 1 if divergent else 0


if __name__ == "__main__":
    sys.exit(main())
