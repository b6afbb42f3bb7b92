namespace Asyncio.Tests.Reliability;

/// <summary>What a run of a <see cref="LoopProgram"/> produced: the log, the tasks' end states, the reports at Close.</summary>
internal sealed record RunResult(List<string> Log, string[] TaskStates, List<string> CloseReports);

/// <summary>
/// A list-based simulation of asyncio's rules, written from the rules and not from the library:
/// a ready list run FIFO, exactly the items present when an iteration starts; a timer list due
/// in (deadline, sequence) order, never early; time jumping to the earliest live timer only when
/// nothing is ready; Futures scheduling their callbacks in the order added; tasks that resume
/// one iteration after what they await completes, and whose cancellation cancels what they
/// await or is delivered at their next step.
/// </summary>
internal sealed class ReferenceModel
{
    private sealed class MHandle
    {
        public bool Cancelled;
    }

    private sealed class MTimer
    {
        public double When;
        public long Seq;
        public required Item Item;
    }

    private enum ItemKind { Callback, DoneCallback, TaskStart, TaskStep, Wake, SleepFire }

    private sealed record Item(ItemKind Kind, int Id = 0, MHandle? Handle = null, Sched? Op = null, AddDone? Done = null, MTask? Task = null, MFuture? Future = null);

    private sealed class MFuture
    {
        public int State; // 0 pending, 1 result, 2 cancelled
        public readonly List<Item> Callbacks = [];
        public MHandle? SleepTimer;
        public int Index = -1; // user futures: 0..2
    }

    private sealed class MTask
    {
        public int Index;
        public required TaskStep[] Steps;
        public int Pc;
        public string State = "scheduled";
        public MFuture? Waiter;
        public bool MustCancel;
    }

    private readonly LoopProgram _program;
    private readonly List<string> _log = [];
    private readonly Queue<Item> _ready = new();
    private readonly List<MTimer> _timers = [];
    private readonly MFuture[] _futures = new MFuture[LoopProgram.Futures];
    private readonly Dictionary<int, MHandle> _handles = [];
    private readonly Dictionary<int, MTask> _tasks = [];
    private readonly List<MTask> _taskOrder = [];
    private readonly List<int> _failedOrder = [];
    private double _now;
    private long _seq;
    private bool _stopping;

    public ReferenceModel(LoopProgram program)
    {
        _program = program;
        for (int i = 0; i < _futures.Length; i++)
            _futures[i] = new MFuture { Index = i };
    }

    public RunResult Run()
    {
        foreach (var op in _program.Ops)
            Exec(op);
        while (true)
        {
            // 1-2. Nothing ready and no stop: jump to the earliest live timer, or be idle forever.
            if (_ready.Count == 0 && !_stopping)
            {
                var live = _timers.Where(t => !IsCancelled(t)).ToList();
                if (live.Count == 0)
                    break; // the real loop reports a deadlock here: nothing can ever happen again
                _now = Math.Max(_now, live.Min(t => t.When));
            }
            // 4. Due timers, in (deadline, sequence) order; cancelled ones dropped.
            var due = _timers.Where(t => t.When <= _now).OrderBy(t => t.When).ThenBy(t => t.Seq).ToList();
            foreach (var t in due)
            {
                _timers.Remove(t);
                if (!IsCancelled(t))
                    _ready.Enqueue(t.Item);
            }
            // 5. Exactly the items ready now.
            int count = _ready.Count;
            _log.Add($"[{count}]");
            for (int i = 0; i < count; i++)
                RunItem(_ready.Dequeue());
            if (_stopping)
            {
                _log.Add("stop@" + LoopProgram.Fmt(_now));
                _stopping = false;
            }
        }
        var states = new string[_program.TaskCount];
        for (int i = 0; i < states.Length; i++)
        {
            states[i] = !_tasks.TryGetValue(i, out var t) ? "never created"
                : t.State == "waiting" ? $"pending on f{t.Waiter!.Index}" : t.State;
        }
        var reports = _failedOrder.Select(i => $"Task exception was never retrieved: t{i}")
            .Concat(_taskOrder.Where(t => t.State == "waiting").Select(t => $"Task was destroyed but it is pending!: t{t.Index}"))
            .ToList();
        return new RunResult(_log, states, reports);
    }

    private static bool IsCancelled(MTimer t) => t.Item.Handle?.Cancelled == true || (t.Item.Kind == ItemKind.SleepFire && t.Item.Future!.SleepTimer!.Cancelled);

    private void AddTimer(double when, Item item) => _timers.Add(new MTimer { When = when, Seq = _seq++, Item = item });

    private void Exec(Op op)
    {
        switch (op)
        {
            case Sched s:
            {
                int id = _program.Ids[op];
                var handle = new MHandle();
                _handles[id] = handle;
                var item = new Item(ItemKind.Callback, id, handle, s);
                if (s.Kind == 0)
                    _ready.Enqueue(item);
                else
                    AddTimer(s.Kind == 1 ? _now + LoopProgram.Delays[s.Time] : LoopProgram.Whens[s.Time], item);
                break;
            }
            case CancelHandle c:
                if (_program.CallbackCount > 0 && _handles.TryGetValue(c.Target % _program.CallbackCount, out var h))
                    h.Cancelled = true;
                break;
            case CompleteFuture cf:
                if (_futures[cf.F].State == 0)
                    Complete(_futures[cf.F], cf.Cancel ? 2 : 1);
                break;
            case AddDone d:
            {
                var item = new Item(ItemKind.DoneCallback, _program.Ids[op], Done: d);
                var f = _futures[d.F];
                if (f.State == 0)
                    f.Callbacks.Add(item);
                else
                    _ready.Enqueue(item);
                break;
            }
            case NewTask n:
            {
                var task = new MTask { Index = _program.Ids[op], Steps = n.Steps };
                _tasks[task.Index] = task;
                _taskOrder.Add(task);
                _ready.Enqueue(new Item(ItemKind.TaskStart, Task: task));
                break;
            }
            case CancelTask ct:
                if (_program.TaskCount > 0 && _tasks.TryGetValue(ct.Target % _program.TaskCount, out var target))
                    Cancel(target);
                break;
        }
    }

    private void Complete(MFuture f, int state)
    {
        f.State = state;
        if (state == 2 && f.SleepTimer is not null)
            f.SleepTimer.Cancelled = true;
        foreach (var cb in f.Callbacks)
            _ready.Enqueue(cb);
        f.Callbacks.Clear();
    }

    private void Cancel(MTask t)
    {
        // asyncio's Future.cancel(): clears __log_traceback even when done, so a failed task
        // that is cancelled afterwards is not reported as "exception was never retrieved".
        if (t.State == "failed")
            _failedOrder.Remove(t.Index);
        if (t.State is "done" or "cancelled" or "failed")
            return;
        if (t.Waiter is { State: 0 } waiter)
        {
            Complete(waiter, 2);
            return;
        }
        t.MustCancel = true;
    }

    private void RunItem(Item item)
    {
        string now = LoopProgram.Fmt(_now);
        switch (item.Kind)
        {
            case ItemKind.Callback:
                if (item.Handle!.Cancelled)
                    return;
                _log.Add($"c{item.Id}@{now}");
                foreach (var child in item.Op!.Children)
                    Exec(child);
                if (item.Op.Stop)
                    _stopping = true;
                if (item.Op.Throws)
                    _log.Add($"!c{item.Id}");
                break;
            case ItemKind.DoneCallback:
                _log.Add($"d{item.Id}@{now}");
                if (item.Done!.Throws)
                    _log.Add($"!d{item.Id}");
                break;
            case ItemKind.SleepFire:
                if (item.Future!.State == 0)
                    Complete(item.Future, 1);
                break;
            case ItemKind.TaskStart:
            {
                var t = item.Task!;
                if (t.MustCancel)
                {
                    t.State = "cancelled"; // cancelled before its first step: the method never runs
                    return;
                }
                t.State = "running";
                t.Pc = 0;
                Continue(t);
                break;
            }
            case ItemKind.TaskStep:
            case ItemKind.Wake:
            {
                var t = item.Task!;
                var waiter = t.Waiter;
                t.Waiter = null;
                bool mustCancel = t.MustCancel;
                t.MustCancel = false;
                if (mustCancel || waiter is { State: 2 })
                {
                    t.State = "cancelled";
                    return;
                }
                t.State = "running";
                t.Pc++;
                Continue(t);
                break;
            }
        }
    }

    private void Continue(MTask t)
    {
        while (true)
        {
            string now = LoopProgram.Fmt(_now);
            if (t.Pc == t.Steps.Length)
            {
                _log.Add($"t{t.Index}.end@{now}");
                t.State = "done";
                return;
            }
            var step = t.Steps[t.Pc];
            _log.Add($"t{t.Index}.{t.Pc}@{now}");
            switch (step.Kind)
            {
                case StepKind.Sleep0:
                    t.State = "scheduled";
                    _ready.Enqueue(new Item(ItemKind.TaskStep, Task: t));
                    return;
                case StepKind.SleepD:
                {
                    var sleep = new MFuture { SleepTimer = new MHandle() };
                    AddTimer(_now + LoopProgram.SleepDelays[step.Arg], new Item(ItemKind.SleepFire, Future: sleep));
                    sleep.Callbacks.Add(new Item(ItemKind.Wake, Task: t));
                    t.Waiter = sleep;
                    t.State = "sleeping";
                    return;
                }
                case StepKind.Await:
                {
                    var f = _futures[step.Arg % LoopProgram.Futures];
                    if (f.State == 1)
                    {
                        t.Pc++;
                        continue; // a done Future does not suspend
                    }
                    if (f.State == 2)
                    {
                        t.State = "cancelled";
                        return;
                    }
                    f.Callbacks.Add(new Item(ItemKind.Wake, Task: t));
                    t.Waiter = f;
                    t.State = "waiting";
                    return;
                }
                default:
                    _failedOrder.Add(t.Index);
                    t.State = "failed";
                    return;
            }
        }
    }
}
