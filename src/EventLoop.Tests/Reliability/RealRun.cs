namespace Asyncio.Tests.Reliability;

/// <summary>Runs a <see cref="LoopProgram"/> on a real loop (virtual time) and records what happened.</summary>
internal sealed class RealRun
{
    private sealed class Boom(string tag) : Exception("boom " + tag)
    {
        public string Tag { get; } = tag;
    }

    /// <summary>Marks the start of each iteration with the number of callbacks it will run.</summary>
    private sealed class IterationLogger(List<string> log) : LoopObserver
    {
        public override void IterationStarted(EventLoop loop, int ready, int timers) => log.Add($"[{ready}]");
    }

    private readonly LoopProgram _program;
    private readonly EventLoop _loop = new(new EventLoopOptions { VirtualTime = true });
    private readonly List<string> _log = [];
    private readonly List<string> _closeReports = [];
    private readonly Future<int>[] _futures = new Future<int>[LoopProgram.Futures];
    private readonly Dictionary<int, Handle> _handles = [];
    private readonly Dictionary<int, LoopTask> _tasks = [];
    private bool _closing;

    /// <summary>Deadline asked for each timer callback: checked against the time it ran.</summary>
    public Dictionary<int, double> Deadlines { get; } = [];

    public RealRun(LoopProgram program)
    {
        _program = program;
        _loop.SetExceptionHandler((_, context) =>
        {
            if (_closing)
                _closeReports.Add($"{context.Message}: {(context.Future as LoopTask ?? context.Task)?.Name}");
            else
                _log.Add("!" + ((context.Exception as Boom)?.Tag ?? context.Message));
        });
        _loop.Observer = new IterationLogger(_log);
        for (int i = 0; i < _futures.Length; i++)
            _futures[i] = _loop.CreateFuture<int>();
    }

    public EventLoop Loop => _loop;

    public RunResult Run()
    {
        foreach (var op in _program.Ops)
            Exec(op);
        while (true)
        {
            try
            {
                _loop.RunForever();
            }
            catch (DeadlockError)
            {
                break; // quiescent: nothing ready, no timer, nothing can arrive
            }
            _log.Add("stop@" + LoopProgram.Fmt(_loop.Time()));
        }
        // Close first: looking at a task's exception marks it retrieved, which would hide the
        // "Task exception was never retrieved" report that Close must make.
        _closing = true;
        _loop.Close();
        var states = new string[_program.TaskCount];
        for (int i = 0; i < states.Length; i++)
        {
            states[i] = !_tasks.TryGetValue(i, out var t) ? "never created"
                : t.Cancelled ? "cancelled"
                : t.Done ? (t.Exception() is null ? "done" : "failed")
                : $"pending on f{Array.IndexOf(_futures, t.WaitingOn)}";
        }
        return new RunResult(_log, states, _closeReports);
    }

    private string Now => LoopProgram.Fmt(_loop.Time());

    private void Exec(Op op)
    {
        switch (op)
        {
            case Sched s:
            {
                int id = _program.Ids[op];
                Action callback = () =>
                {
                    _log.Add($"c{id}@{Now}");
                    foreach (var child in s.Children)
                        Exec(child);
                    if (s.Stop)
                        _loop.Stop();
                    if (s.Throws)
                        throw new Boom($"c{id}");
                };
                Handle handle = s.Kind switch
                {
                    0 => _loop.CallSoon(callback),
                    1 => _loop.CallLater(LoopProgram.Delays[s.Time], callback),
                    _ => _loop.CallAt(LoopProgram.Whens[s.Time], callback),
                };
                if (handle is TimerHandle timer)
                    Deadlines[id] = timer.When;
                _handles[id] = handle;
                break;
            }
            case CancelHandle c:
                if (_program.CallbackCount > 0 && _handles.TryGetValue(c.Target % _program.CallbackCount, out var h))
                    h.Cancel();
                break;
            case CompleteFuture cf:
                if (!_futures[cf.F].Done)
                {
                    if (cf.Cancel)
                        _futures[cf.F].Cancel();
                    else
                        _futures[cf.F].SetResult(cf.F);
                }
                break;
            case AddDone d:
            {
                int id = _program.Ids[op];
                _futures[d.F].AddDoneCallback(_ =>
                {
                    _log.Add($"d{id}@{Now}");
                    if (d.Throws)
                        throw new Boom($"d{id}");
                });
                break;
            }
            case NewTask n:
            {
                int index = _program.Ids[op];
                _tasks[index] = _loop.CreateTask(() => TaskBody(index, n.Steps), $"t{index}");
                break;
            }
            case CancelTask ct:
                if (_program.TaskCount > 0 && _tasks.TryGetValue(ct.Target % _program.TaskCount, out var task))
                    task.Cancel();
                break;
        }
    }

    private async Task TaskBody(int index, TaskStep[] steps)
    {
        for (int pc = 0; pc < steps.Length; pc++)
        {
            _log.Add($"t{index}.{pc}@{Now}");
            var step = steps[pc];
            switch (step.Kind)
            {
                case StepKind.Sleep0:
                    await _loop.Sleep(0);
                    break;
                case StepKind.SleepD:
                    await _loop.Sleep(LoopProgram.SleepDelays[step.Arg]);
                    break;
                case StepKind.Await:
                    await _futures[step.Arg % LoopProgram.Futures];
                    break;
                default:
                    throw new Boom($"t{index}");
            }
        }
        _log.Add($"t{index}.end@{Now}");
    }
}
