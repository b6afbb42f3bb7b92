"""Seeded generator and shrinker of differential programs (the data form is in README.md).

    python3 gen.py --seed 1 --count 3000 > programs.jsonl

A program is a list of bodies; body 0 is the main task, body k runs as task "tk" once some op
starts it. Body i only starts and awaits bodies k > i, so no program awaits in a cycle (a
cancelled cycle of awaits is out of reach: asyncio raises RecursionError, which no C# runner
could reproduce) and each body runs at most once, so every label names one task.
"""
import argparse
import json
import random

# Multiples of 1/8: exact in binary, so both loops compute identical deadlines.
DELAYS = [0, 0, 0.125, 0.25, 0.375, 0.5, 0.75, 1.0]
TIMEOUTS = [None, 0, 0.125, 0.25, 0.375, 0.5, 1.0]
MESSAGES = [None, "m1", "m2", "m3"]

# Op name -> weight. Ops that start bodies are added only while unstarted bodies remain.
SIMPLE = {
    "sleep": 12, "raise": 2, "return": 2, "cancel": 4, "cancelself": 2, "cancelling": 1, "fset": 4, "fexc": 2, "fcancel": 3, "fawait": 4, "fcb": 2,
    "soon": 2, "later": 2, "at": 1, "soonraise": 1, "hcancel": 2, "await": 5,
    "qput": 1, "qget": 1, "qputn": 1, "qgetn": 1, "lacq": 1, "lrel": 1, "ewait": 1, "eset": 1,
    "eclear": 1, "sacq": 1, "srel": 1, "cwait": 1, "cnotify": 1, "shieldt": 2,
}
STARTING = {"spawn": 6, "gather": 3, "wait": 3, "wait_for": 3, "shield": 2, "as_completed": 2,
            "taskgroup": 2}
BLOCKS = {"try": 4, "timeout": 3, "lock": 2, "sem": 2}


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.seed = seed
        self.nbodies = self.r.randint(2, 7)
        self.nfutures = self.r.randint(0, 3)
        self.unstarted = set(range(1, self.nbodies))
        self.started = []  # in the order the generator gave them a starting op
        self.cb = 0
        self.named = 0
        self.names = [f"f{i}" for i in range(self.nfutures)]

    def program(self):
        bodies = [self.body(i) for i in range(self.nbodies)]
        return {"seed": self.seed, "futures": self.nfutures,
                "sync": {"queue": self.r.choice([0, 1, 2]), "semaphore": self.r.choice([0, 1, 2])},
                "bodies": bodies}

    def body(self, i):
        return self.block(i, self.r.randint(1, 6), 0)

    def block(self, i, n, depth):
        ops = []
        for _ in range(n):
            op = self.op(i, depth)
            ops.append(op)
            if self.may_cancel_self(i, op):
                # A cancellation of the running task waits for its next yield. Yield at once, so
                # that no uncancel() (a try's, a timeout's, a task group's) finds it still pending:
                # uncancel() to zero revokes it in EventLoop, as in 3.13, not in 3.12 (documented).
                ops.append(["sleep", 0])
        return ops

    @staticmethod
    def may_cancel_self(i, op):
        """Whether op, run by body i, may cancel body i itself: directly, through a body awaiting
        it (bodies await only later ones, so k <= i), or through a gather that holds it."""
        if op[0] == "cancelself":
            return True
        if op[0] == "cancel":
            return op[1] <= i
        return op[0] == "fcancel" and op[1].startswith("g")

    def later_bodies(self, i, most):
        choices = sorted(k for k in self.unstarted if k > i)
        picked = self.r.sample(choices, self.r.randint(1, min(most, len(choices))))
        self.unstarted -= set(picked)
        self.started += picked
        return picked

    def op(self, i, depth):
        r = self.r
        weights = dict(SIMPLE)
        if any(k > i for k in self.unstarted):
            weights.update(STARTING)
        if depth < 2:
            weights.update(BLOCKS)
        if not self.nfutures:
            for name in ("fset", "fexc", "fawait"):
                weights.pop(name, None)
        if not self.names:
            for name in ("fcancel", "fcb"):
                weights.pop(name, None)
        name = r.choices(list(weights), list(weights.values()))[0]
        if name == "sleep":
            return ["sleep", r.choice(DELAYS)]
        if name in ("raise",):
            return ["raise", r.choice(["e1", "e2", "e3"])]
        if name == "return":
            return ["return", r.randint(1, 9)]
        if name == "cancel":
            # Mostly a body some op starts, so that the task exists more often than not.
            k = r.choice(self.started) if self.started and r.random() < 0.8 else r.randint(0, self.nbodies - 1)
            return ["cancel", k, r.choice(MESSAGES)]
        if name == "cancelself":
            return ["cancelself", r.choice(MESSAGES)]
        # Only the futures made at the start (f0...) are set or awaited: a gather's or shield's
        # future awaited by one of its own children would be a cycle of awaits. Any future may
        # be cancelled or given a done-callback.
        if name in ("fset", "fexc"):
            arg = r.randint(1, 9) if name == "fset" else r.choice(["x1", "x2"])
            return [name, f"f{r.randrange(self.nfutures)}", arg]
        if name == "fawait":
            return [name, f"f{r.randrange(self.nfutures)}"]
        if name == "fcancel":
            return [name, r.choice(self.names), r.choice(MESSAGES)]
        if name == "fcb":
            return [name, r.choice(self.names)]
        if name in ("soon", "soonraise"):
            self.cb += 1
            return [name, self.cb]
        if name in ("later", "at"):
            self.cb += 1
            return [name, r.choice(DELAYS), self.cb]
        if name == "hcancel":
            return ["hcancel", r.randint(1, max(1, self.cb))]
        if name in ("await", "shieldt"):
            if i + 1 >= self.nbodies:
                return ["sleep", 0]
            later = [k for k in self.started if k > i]
            k = r.choice(later) if later and r.random() < 0.8 else r.randint(i + 1, self.nbodies - 1)
            # shieldt: shield() of a task that already exists (and may be done).
            return ["await", k] if name == "await" else ["shieldt", k]
        if name in ("qput", "qputn"):
            return [name, r.randint(1, 9)]
        if name == "cnotify":
            return ["cnotify", r.randint(1, 2)]
        if name == "spawn":
            return ["spawn", self.later_bodies(i, 1)[0]]
        if name == "gather":
            self.named += 1
            g = f"g{self.named}"
            self.names.append(g)
            return ["gather", self.later_bodies(i, 3), r.random() < 0.5, g]
        if name == "wait":
            return ["wait", self.later_bodies(i, 3), r.choice(TIMEOUTS), r.choice(["all", "first", "exc"])]
        if name == "wait_for":
            return ["wait_for", self.later_bodies(i, 1)[0], r.choice(TIMEOUTS), r.random() < 0.5]
        if name == "shield":
            self.named += 1
            s = f"s{self.named}"
            self.names.append(s)
            return ["shield", self.later_bodies(i, 1)[0], s]
        if name == "as_completed":
            return ["as_completed", self.later_bodies(i, 3), r.choice(TIMEOUTS)]
        if name == "taskgroup":
            ks = self.later_bodies(i, 3)
            return ["taskgroup", ks, self.block(i, r.randint(0, 3), depth + 1)]
        if name == "try":
            # Sometimes uncancel() after catching a CancelledError: a swallowed cancellation
            # done right. Only there: uncancel() to zero while a cancellation is still pending
            # revokes it in EventLoop, as in 3.13, but not in 3.12 (a documented difference);
            # block() makes sure no cancellation of the task is still pending then.
            block = ["try", self.block(i, r.randint(1, 3), depth + 1)]
            return block + ["uncancel"] if r.random() < 0.3 else block
        if name in ("lock", "sem"):  # async with lock / semaphore: ops
            return [name, self.block(i, r.randint(1, 3), depth + 1)]
        if name == "timeout":
            inner = self.block(i, r.randint(1, 3), depth + 1)
            if r.random() < 0.3:
                inner.insert(r.randint(0, len(inner)), ["resched", r.choice(TIMEOUTS)])
            return ["timeout", r.choice(TIMEOUTS[1:] + [None]), inner]
        return [name]


def generate(seed):
    return Gen(seed).program()


# ---- shrinking: smaller candidates of a program, tried in order while the divergence stays ----

def _blocks(doc):
    """Every op list in the program (bodies and nested blocks), as mutable lists."""
    found = []

    def walk(ops):
        found.append(ops)
        for op in ops:
            for part in op[1:]:
                if isinstance(part, list) and part and all(isinstance(x, list) for x in part):
                    walk(part)
    for body in doc["bodies"]:
        walk(body)
    return found


# Where each op holds a delay or timeout.
TIME_ARGS = {"sleep": [1], "later": [1], "at": [1], "wait": [2], "wait_for": [2], "as_completed": [2],
             "timeout": [1], "resched": [1]}


def candidates(doc):
    """Yields smaller variants: fewer bodies' ops, fewer ops, flattened blocks, smaller numbers."""
    text = json.dumps(doc)
    # Drop whole bodies' ops (keeping indexes stable), then single ops.
    for b in range(1, len(doc["bodies"])):
        if doc["bodies"][b]:
            d = json.loads(text)
            d["bodies"][b] = []
            yield d
    nblocks = len(_blocks(doc))
    for bi in range(nblocks):
        for oi in range(len(_blocks(doc)[bi])):
            d = json.loads(text)
            del _blocks(d)[bi][oi]
            yield d
            # Replace a block op by its contents.
            d = json.loads(text)
            block = _blocks(d)[bi]
            op = block[oi]
            inner = [p for p in op[1:] if isinstance(p, list) and p and all(isinstance(x, list) for x in p)]
            if op[0] in ("try", "timeout", "taskgroup", "lock", "sem") and inner:
                block[oi:oi + 1] = inner[0]
                yield d
            # Shorter delays and timeouts (only those: other numbers are indexes and ids).
            for pi in TIME_ARGS.get(op[0], ()):
                if isinstance(op[pi], (int, float)) and op[pi] != 0:
                    d = json.loads(text)
                    _blocks(d)[bi][oi][pi] = 0
                    yield d


def shrink(doc, diverging, rounds=100):
    """Greedy shrinking: keeps the first smaller candidate that still diverges, until none does.

    diverging(docs) answers for a whole list at once (one batch per round, not one process
    per candidate).
    """
    for _ in range(rounds):
        batch = list(candidates(doc))
        flags = diverging(batch) if batch else []
        smaller = next((c for c, flag in zip(batch, flags) if flag), None)
        if smaller is None:
            break
        doc = smaller
    return doc


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--count", type=int, default=1)
    a = p.parse_args()
    for s in range(a.seed, a.seed + a.count):
        print(json.dumps(generate(s), separators=(",", ":")))


if __name__ == "__main__":
    main()
