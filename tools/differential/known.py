"""Rewrites src/EventLoop.Tests/Differential/corpus/known-divergences.txt from the runner's --check output.

    dotnet run --project tools/differential/DifferentialRunner -c Release -- --check CORPUS > check.txt
    python3 tools/differential/known.py check.txt

Each divergence is given the cause whose pattern matches CPython's first differing line; one
that matches none stops the script: it is a new bug, to diagnose before it is listed.
"""
import re
import sys

CAUSES = [
    (r"TimeoutError:( |$)", "item 5: TimeoutError carries .NET's message 'The operation has timed out.'; "
                            "asyncio's is empty (timeout scopes, WaitFor, AsCompleted)"),
    (r"gather g\d+ ! CancelledError", "item 14: a cancelled Gather(returnExceptions: true) takes its CancelledError "
                                      "from the child that completed last, asyncio from the last child in argument order"),
    (r"shieldt t\d+ ! CancelledError", "item 13: Shield of a task already cancelled with a message returns a new future "
                                      "cancelled without it; asyncio returns the task itself"),
]
HEADER = """# Corpus programs that diverge from CPython today, with the cause.
# DifferentialCorpusTests prints them and does not fail on them; it fails on any other
# divergence, and lists the seeds here that now match: delete their lines when the bug is fixed.
"""


def main():
    lines = []
    for block in open(sys.argv[1]).read().split("NEW: ")[1:] + open(sys.argv[1]).read().split("known (")[1:]:
        seed = int(re.search(r"seed (\d+)", block).group(1))
        cpython = re.search(r"cpython: (.*)", block).group(1)
        cause = next((c for pattern, c in CAUSES if re.search(pattern, cpython)), None)
        if cause is None:
            sys.exit("no known cause for:\n" + block)
        lines.append((seed, cause))
    with open("src/EventLoop.Tests/Differential/corpus/known-divergences.txt", "w") as f:
        f.write(HEADER + "".join(f"{seed} {cause}\n" for seed, cause in sorted(set(lines))))
    print(f"{len(set(lines))} known divergences")


if __name__ == "__main__":
    main()
