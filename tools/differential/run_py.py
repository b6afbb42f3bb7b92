"""Runs differential programs (one JSON document a line on stdin) with CPython's asyncio.

Prints each program's transcript, followed by a line holding only "=====". The data form and
the transcript format are described in README.md; DifferentialRunner.cs is the C# twin of this
file, op for op, and the two must stay in step.

asyncio itself runs unchanged. Only the clock is virtual (as in asyncio's own test_utils.TestLoop):
the selector never blocks but moves the loop's time to the next timer, so a program with a
one-second sleep takes microseconds, and "nothing could ever happen again" is detected.
"""
import asyncio
import itertools
import json
import selectors
import sys

import asyncio.events as _events

# Normalisation: EventLoop runs timers with equal deadlines in the order they were scheduled
# (a documented difference); asyncio's heap leaves that order open. Breaking heap ties by
# creation order makes CPython's choice the same one, without touching anything else
# (base_events makes its timers as events.TimerHandle, looked up at each call).
_timer_seq = itertools.count()


class SequencedTimerHandle(_events.TimerHandle):
    __slots__ = ("_diff_seq",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._diff_seq = next(_timer_seq)

    def __lt__(self, other):
        if self._when != other._when:
            return self._when < other._when
        return self._diff_seq < other._diff_seq


_events.TimerHandle = SequencedTimerHandle


# Normalisation: EventLoop's TaskGroup cancels its tasks in creation order when it aborts (a
# documented difference); asyncio walks a set, whose order follows the tasks' addresses. The
# default names "Task-N" count creations, so sorting by N gives EventLoop's order.
def _abort_in_creation_order(self):
    self._aborting = True
    for t in sorted(self._tasks, key=lambda t: int(t.get_name().rsplit("-", 1)[1])):
        if not t.done():
            t.cancel()


asyncio.TaskGroup._abort = _abort_in_creation_order


# Normalisation: EventLoop's AsyncCondition.WaitAsync is 3.13's Condition.wait (gh-112202, a
# documented difference): whatever exception ends a wait hands one notification on to another
# waiter (a spurious wake-up at worst, even when none was given), and a cancellation while
# re-taking the lock re-raises that CancelledError itself. This is 3.13's code.
async def _condition_wait_313(self):
    if not self.locked():
        raise RuntimeError('cannot wait on un-acquired lock')
    self.release()
    try:
        try:
            fut = self._get_loop().create_future()
            self._waiters.append(fut)
            try:
                await fut
                return True
            finally:
                self._waiters.remove(fut)
        finally:
            err = None
            while True:
                try:
                    await self.acquire()
                    break
                except asyncio.CancelledError as e:
                    err = e
            if err is not None:
                try:
                    raise err
                finally:
                    err = None
    except BaseException:
        for fut in self._waiters:  # 3.13's self._notify(1)
            if not fut.done():
                fut.set_result(False)
                break
        raise


asyncio.Condition.wait = _condition_wait_313


class Deadlock(Exception):
    """Nothing is ready and no timer is pending: the C# loop's DeadlockError."""


class VirtualSelector(selectors.DefaultSelector):
    def __init__(self):
        super().__init__()
        self.loop = None

    def select(self, timeout=None):
        if timeout is None:
            raise Deadlock()
        self.loop.virtual_now += timeout
        return []


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self):
        selector = VirtualSelector()
        super().__init__(selector)
        selector.loop = self
        self.virtual_now = 0.0

    def time(self):
        return self.virtual_now


# Exception names as the transcript shows them (the C# runner maps .NET's names onto these).
def exc_text(e):
    if isinstance(e, BaseExceptionGroup):
        return "ExceptionGroup[" + ", ".join(exc_text(x) for x in e.exceptions) + "]"
    name = type(e).__name__
    # QueueEmpty/QueueFull carry a message in EventLoop, none in asyncio (a documented difference).
    message = "" if name in ("QueueEmpty", "QueueFull") else str(e)
    return f"{name}:{message}"


def value_text(v):
    if isinstance(v, list):
        return "[" + ", ".join(value_text(x) for x in v) + "]"
    if isinstance(v, BaseException):
        return exc_text(v)
    return "None" if v is None else str(v)


class Program:
    def __init__(self, doc, out):
        self.doc = doc
        self.out = out
        self.loop = None
        self.tasks = {}      # label -> task, in creation order
        self.futures = {}    # name -> future (f0.. made at start; g<n>/s<n> by gather/shield)
        self.handles = {}    # callback id -> handle

    def log(self, who, text):
        self.out.append(f"{self.loop.time():.3f} {who} {text}")

    def body_task(self, k):
        label = f"t{k}"
        task = self.loop.create_task(self.body(k))
        self.tasks[label] = task
        return task

    async def body(self, k):
        label = f"t{k}"
        try:
            done, result = await self.block(label, self.doc["bodies"][k], [])
        except BaseException as e:
            self.log(label, f"end ! {exc_text(e)}")
            raise
        self.log(label, f"end = {value_text(result)}")
        return result

    async def op(self, me, op, scopes):
        loop = self.loop
        name = op[0]
        if name == "sleep":
            await asyncio.sleep(op[1])
            self.log(me, f"slept {op[1]}")
        elif name == "return":
            return True, op[1]
        elif name == "raise":
            raise ValueError(op[1])
        elif name == "try":
            try:
                done, value = await self.block(me, op[1], scopes)
                if done:
                    return True, value
            except BaseException as e:
                self.log(me, f"caught {exc_text(e)}")
                if len(op) > 2 and isinstance(e, asyncio.CancelledError):
                    self.log(me, f"uncancel = {asyncio.current_task().uncancel()}")
        elif name == "spawn":
            self.body_task(op[1])
            self.log(me, f"spawn t{op[1]}")
        elif name == "await":
            task = self.tasks.get(f"t{op[1]}")
            if task is None:
                self.log(me, f"no t{op[1]}")
            else:
                try:
                    r = await task
                except BaseException as e:
                    self.log(me, f"await t{op[1]} ! {exc_text(e)}")
                    raise
                self.log(me, f"await t{op[1]} = {value_text(r)}")
        elif name == "cancel":
            task = self.tasks.get(f"t{op[1]}")
            if task is None:
                self.log(me, f"no t{op[1]}")
            else:
                self.log(me, f"cancel t{op[1]} = {task.cancel(op[2])}")
        elif name == "cancelself":
            self.log(me, f"cancelself = {asyncio.current_task().cancel(op[1])}")
        elif name == "cancelling":
            self.log(me, f"cancelling = {asyncio.current_task().cancelling()}")
        elif name in ("fset", "fexc", "fcancel"):
            fut = self.futures.get(op[1])
            if fut is None:
                self.log(me, f"no {op[1]}")
            else:
                try:
                    if name == "fset":
                        fut.set_result(op[2])
                        r = None
                    elif name == "fexc":
                        fut.set_exception(ValueError(op[2]))
                        r = None
                    else:
                        r = fut.cancel(op[2])
                    self.log(me, f"{name} {op[1]} = {value_text(r)}")
                except BaseException as e:
                    self.log(me, f"{name} {op[1]} ! {exc_text(e)}")
        elif name == "fawait":
            fut = self.futures.get(op[1])
            if fut is None:
                self.log(me, f"no {op[1]}")
            else:
                try:
                    r = await fut
                except BaseException as e:
                    self.log(me, f"fawait {op[1]} ! {exc_text(e)}")
                    raise
                self.log(me, f"fawait {op[1]} = {value_text(r)}")
        elif name == "fcb":
            fut = self.futures.get(op[1])
            if fut is None:
                self.log(me, f"no {op[1]}")
            else:
                fut.add_done_callback(lambda f, n=op[1]: self.log("cb", f"done {n} {state_text(f)}"))
                self.log(me, f"fcb {op[1]}")
        elif name in ("soon", "later", "at", "soonraise"):
            cid = op[-1]
            if name == "soon":
                h = loop.call_soon(self.callback, cid)
            elif name == "soonraise":
                h = loop.call_soon(self.raising_callback, cid)
            elif name == "later":
                h = loop.call_later(op[1], self.callback, cid)
            else:
                h = loop.call_at(loop.time() + op[1], self.callback, cid)
            self.handles[cid] = h
            self.log(me, f"{name} cb{cid}")
        elif name == "hcancel":
            h = self.handles.get(op[1])
            if h is None:
                self.log(me, f"no cb{op[1]}")
            else:
                h.cancel()
                self.log(me, f"hcancel cb{op[1]}")
        elif name == "gather":
            tasks = [self.body_task(k) for k in op[1]]
            outer = asyncio.gather(*tasks, return_exceptions=op[2])
            self.futures[op[3]] = outer
            try:
                r = await outer
            except BaseException as e:
                self.log(me, f"gather {op[3]} ! {exc_text(e)}")
                raise
            self.log(me, f"gather {op[3]} = {value_text(r)}")
        elif name == "wait":
            tasks = [self.body_task(k) for k in op[1]]
            when = {"all": asyncio.ALL_COMPLETED, "first": asyncio.FIRST_COMPLETED,
                    "exc": asyncio.FIRST_EXCEPTION}[op[3]]
            done, pending = await asyncio.wait(tasks, timeout=op[2], return_when=when)
            labels = {t: f"t{k}" for t, k in zip(tasks, op[1])}
            self.log(me, f"wait done={sorted_labels(done, labels)} pending={sorted_labels(pending, labels)}")
        elif name == "wait_for":
            k, timeout, inline = op[1], op[2], op[3]
            aw = self.body(k) if inline else self.body_task(k)
            try:
                r = await asyncio.wait_for(aw, timeout)
            except BaseException as e:
                self.log(me, f"wait_for t{k} ! {exc_text(e)}")
                raise
            self.log(me, f"wait_for t{k} = {value_text(r)}")
        elif name == "shield":
            task = self.body_task(op[1])
            outer = asyncio.shield(task)
            self.futures[op[2]] = outer
            try:
                r = await outer
            except BaseException as e:
                self.log(me, f"shield {op[2]} ! {exc_text(e)}")
                raise
            self.log(me, f"shield {op[2]} = {value_text(r)}")
        elif name == "shieldt":
            task = self.tasks.get(f"t{op[1]}")
            if task is None:
                self.log(me, f"no t{op[1]}")
            else:
                try:
                    r = await asyncio.shield(task)
                except BaseException as e:
                    self.log(me, f"shieldt t{op[1]} ! {exc_text(e)}")
                    raise
                self.log(me, f"shieldt t{op[1]} = {value_text(r)}")
        elif name == "as_completed":
            tasks = [self.body_task(k) for k in op[1]]
            for aw in asyncio.as_completed(tasks, timeout=op[2]):
                try:
                    r = await aw
                    self.log(me, f"next = {value_text(r)}")
                except Exception as e:
                    self.log(me, f"next ! {exc_text(e)}")
        elif name == "taskgroup":
            try:
                async with asyncio.TaskGroup() as tg:
                    for k in op[1]:
                        self.tasks[f"t{k}"] = tg.create_task(self.body(k))
                    self.log(me, "taskgroup in")
                    done, value = await self.block(me, op[2], scopes)
            except BaseException as e:
                self.log(me, f"taskgroup ! {exc_text(e)}")
                raise
            self.log(me, "taskgroup return" if done else "taskgroup out")
            if done:
                return True, value
        elif name == "timeout":
            cm = asyncio.timeout(op[1])
            try:
                async with cm:
                    done, value = await self.block(me, op[2], scopes + [cm])
                    if done:
                        return True, value
            except BaseException as e:
                self.log(me, f"timeout ! {exc_text(e)} expired={cm.expired()}")
                raise
            self.log(me, f"timeout out expired={cm.expired()}")
        elif name == "resched":
            if scopes:
                scopes[-1].reschedule(None if op[1] is None else loop.time() + op[1])
                self.log(me, f"resched {op[1]}")
            else:
                self.log(me, "resched none")
        elif name == "qput":
            await self.queue.put(op[1])
            self.log(me, f"qput {op[1]}")
        elif name == "qget":
            self.log(me, f"qget = {await self.queue.get()}")
        elif name == "qputn":
            self.queue.put_nowait(op[1])
            self.log(me, f"qputn {op[1]}")
        elif name == "qgetn":
            self.log(me, f"qgetn = {self.queue.get_nowait()}")
        elif name in ("lock", "sem"):
            primitive = self.lock if name == "lock" else self.semaphore
            async with primitive:
                self.log(me, f"{name} in")
                done, value = await self.block(me, op[1], scopes)
            self.log(me, f"{name} out")
            if done:
                return True, value
        elif name == "lacq":
            await self.lock.acquire()
            self.log(me, "lacq")
        elif name == "lrel":
            self.lock.release()
            self.log(me, "lrel")
        elif name == "ewait":
            await self.event.wait()
            self.log(me, "ewait")
        elif name == "eset":
            self.event.set()
            self.log(me, "eset")
        elif name == "eclear":
            self.event.clear()
            self.log(me, "eclear")
        elif name == "sacq":
            await self.semaphore.acquire()
            self.log(me, "sacq")
        elif name == "srel":
            self.semaphore.release()
            self.log(me, "srel")
        elif name == "cwait":
            async with self.condition:
                await self.condition.wait()
                self.log(me, "cwait")
        elif name == "cnotify":
            async with self.condition:
                self.condition.notify(op[1])
                self.log(me, f"cnotify {op[1]}")
        else:
            raise AssertionError(f"unknown op {name}")
        return False, None

    async def block(self, me, ops, scopes):
        """Runs ops in order; (True, v) when a "return" op ended the body early, else (False, None)."""
        for op in ops:
            done, value = await self.op(me, op, scopes)
            if done:
                return True, value
        return False, None

    def callback(self, cid):
        self.log("cb", f"cb{cid}")

    def raising_callback(self, cid):
        self.log("cb", f"cb{cid} raises")
        raise ValueError(f"cb{cid}")

    def handler(self, loop, context):
        message = context.get("message", "")
        # Reported when the garbage collector finds the object in asyncio, at Close in
        # EventLoop (a documented difference): the moment differs, so neither runner prints them.
        if "never retrieved" in message or "destroyed but it is pending" in message:
            return
        e = context.get("exception")
        self.log("handler", exc_text(e) if e is not None else message)

    def run(self):
        self.loop = loop = VirtualLoop()
        asyncio.set_event_loop(loop)
        loop.set_exception_handler(self.handler)
        sync = self.doc.get("sync", {})
        self.queue = asyncio.Queue(sync.get("queue", 0))
        self.lock = asyncio.Lock()
        self.event = asyncio.Event()
        self.semaphore = asyncio.Semaphore(sync.get("semaphore", 1))
        self.condition = asyncio.Condition()
        for i in range(self.doc.get("futures", 0)):
            self.futures[f"f{i}"] = loop.create_future()
        main = self.body_task(0)
        try:
            loop.run_until_complete(main)
        except Deadlock:
            self.out.append("deadlock")
        except BaseException:
            pass
        # asyncio.run's ending, in the order the tasks were made (asyncio walks a set).
        pending = [t for t in self.tasks.values() if not t.done()]
        if pending:
            self.out.append("cleanup")
            for t in pending:
                t.cancel()
            try:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            except Deadlock:
                self.out.append("deadlock")
        for label, t in self.tasks.items():
            self.out.append(f"final {label} {state_text(t)}")
        for label, f in self.futures.items():
            self.out.append(f"final {label} {state_text(f)}")
        loop.close()
        asyncio.set_event_loop(None)


def state_text(f):
    if not f.done():
        return "pending"
    if f.cancelled():
        return "cancelled"
    e = f.exception()
    return f"! {exc_text(e)}" if e is not None else f"= {value_text(f.result())}"


def sorted_labels(tasks, labels):
    return "[" + ",".join(sorted((labels[t] for t in tasks), key=lambda s: int(s[1:]))) + "]"


def run_program(doc):
    out = []
    try:
        Program(doc, out).run()
    except BaseException as e:  # a runner crash shows in the transcript, never stops the batch
        out.append(f"runner ! {exc_text(e)}")
    return out


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        for t in run_program(json.loads(line)):
            print(t)
        print("=====")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
