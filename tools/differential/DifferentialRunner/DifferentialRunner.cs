using System.Globalization;
using System.Text.Json;

namespace Asyncio.Differential;

/// <summary>
/// Runs one differential program (the JSON data form of tools/differential/README.md) on a
/// virtual-time loop through EventLoop's public API, and returns its transcript.
/// </summary>
/// <remarks>
/// The twin of tools/differential/run_py.py, op for op: each op calls the asyncio API's
/// counterpart (the table in README.md) and logs the same line. Exceptions are printed under
/// asyncio's names (<see cref="ExceptionText"/>), so the two transcripts compare byte for byte.
/// </remarks>
public sealed class DifferentialRunner
{
    private readonly JsonElement _doc;
    private readonly List<string> _out = [];
    private readonly EventLoop _loop = new(new EventLoopOptions { VirtualTime = true });
    private readonly Dictionary<string, LoopTask<object?>> _tasks = [];
    private readonly Dictionary<string, Future> _futures = [];
    private readonly Dictionary<long, Handle> _handles = [];
    private readonly AsyncQueue<long> _queue;
    private readonly AsyncLock _lock = new();
    private readonly AsyncEvent _event = new();
    private readonly AsyncSemaphore _semaphore;
    private readonly AsyncCondition _condition = new();

    private DifferentialRunner(JsonElement doc)
    {
        _doc = doc;
        int queueSize = 0, semaphoreValue = 1;
        if (doc.TryGetProperty("sync", out var sync))
        {
            if (sync.TryGetProperty("queue", out var q))
                queueSize = q.GetInt32();
            if (sync.TryGetProperty("semaphore", out var s))
                semaphoreValue = s.GetInt32();
        }
        _queue = new AsyncQueue<long>(queueSize);
        _semaphore = new AsyncSemaphore(semaphoreValue);
    }

    /// <summary>Runs the program in <paramref name="json"/> and returns its transcript lines.</summary>
    public static List<string> Run(string json)
    {
        using var document = JsonDocument.Parse(json);
        var runner = new DifferentialRunner(document.RootElement);
        try
        {
            runner.RunProgram();
        }
        catch (Exception e)
        {
            // A runner crash shows in the transcript and never stops a batch.
            runner._out.Add("runner ! " + ExceptionText(e));
        }
        return runner._out;
    }

    private void Log(string who, string text) =>
        _out.Add(string.Create(CultureInfo.InvariantCulture, $"{_loop.Time():F3} {who} {text}"));

    private void RunProgram()
    {
        _loop.SetExceptionHandler(Handler);
        int futures = _doc.TryGetProperty("futures", out var f) ? f.GetInt32() : 0;
        for (int i = 0; i < futures; i++)
            _futures["f" + i] = _loop.CreateFuture<object?>();
        var main = BodyTask(0);
        try
        {
            _loop.RunUntilComplete(main);
        }
        catch (DeadlockError)
        {
            _out.Add("deadlock");
        }
        catch (Exception)
        {
            // main's own exception or cancellation: the transcript has its "end" line already.
        }
        // asyncio.run's ending, in the order the tasks were made.
        var pending = _tasks.Values.Where(t => !t.Done).ToList();
        if (pending.Count > 0)
        {
            _out.Add("cleanup");
            foreach (var t in pending)
                t.Cancel();
            try
            {
                _loop.RunUntilComplete(_loop.Gather(pending, returnExceptions: true));
            }
            catch (DeadlockError)
            {
                _out.Add("deadlock");
            }
        }
        foreach (var (label, t) in _tasks)
            _out.Add($"final {label} {StateText(t)}");
        foreach (var (label, fut) in _futures)
            _out.Add($"final {label} {StateText(fut)}");
        _loop.Close();
    }

    private void Handler(EventLoop loop, ExceptionContext context)
    {
        // Reported at Close here, when the garbage collector finds the object in asyncio (a
        // documented difference): the moment differs, so neither runner prints them.
        if (context.Message.Contains("never retrieved", StringComparison.Ordinal)
            || context.Message.Contains("destroyed but it is pending", StringComparison.Ordinal))
            return;
        Log("handler", context.Exception is { } e ? ExceptionText(e) : context.Message);
    }

    private LoopTask<object?> BodyTask(int k)
    {
        var task = _loop.CreateTask(() => Body(k));
        _tasks["t" + k] = task;
        return task;
    }

    private async Task<object?> Body(int k)
    {
        string label = "t" + k;
        object? result;
        try
        {
            (_, result) = await Block(label, _doc.GetProperty("bodies")[k], []);
        }
        catch (Exception e)
        {
            Log(label, "end ! " + ExceptionText(e));
            throw;
        }
        Log(label, "end = " + ValueText(result));
        return result;
    }

    /// <summary>Runs ops in order; (true, v) when a "return" op ended the body early.</summary>
    private async Task<(bool Done, object? Value)> Block(string me, JsonElement ops, List<TimeoutScope> scopes)
    {
        foreach (var op in ops.EnumerateArray())
        {
            var (done, value) = await Op(me, op, scopes);
            if (done)
                return (true, value);
        }
        return (false, null);
    }

    private async Task<(bool Done, object? Value)> Op(string me, JsonElement op, List<TimeoutScope> scopes)
    {
        string name = op[0].GetString()!;
        switch (name)
        {
            case "sleep":
                await _loop.Sleep(op[1].GetDouble());
                Log(me, "slept " + Number(op[1]));
                break;
            case "return":
                return (true, op[1].GetInt64());
            case "raise":
                throw new ValueError(op[1].GetString()!);
            case "try":
                try
                {
                    var (done, value) = await Block(me, op[1], scopes);
                    if (done)
                        return (true, value);
                }
                catch (Exception e)
                {
                    Log(me, "caught " + ExceptionText(e));
                    if (op.GetArrayLength() > 2 && e is CancelledError)
                        Log(me, "uncancel = " + _loop.CurrentTask!.Uncancel());
                }
                break;
            case "spawn":
                _ = BodyTask(op[1].GetInt32()); // create_task without awaiting, as the op means
                Log(me, $"spawn t{op[1].GetInt32()}");
                break;
            case "await":
                {
                    string label = "t" + op[1].GetInt32();
                    if (!_tasks.TryGetValue(label, out var task))
                    {
                        Log(me, "no " + label);
                        break;
                    }
                    object? r;
                    try
                    {
                        r = await task;
                    }
                    catch (Exception e)
                    {
                        Log(me, $"await {label} ! {ExceptionText(e)}");
                        throw;
                    }
                    Log(me, $"await {label} = {ValueText(r)}");
                    break;
                }
            case "cancel":
                {
                    string label = "t" + op[1].GetInt32();
                    if (_tasks.TryGetValue(label, out var task))
                        Log(me, $"cancel {label} = {ValueText(task.Cancel(op[2].GetString()))}");
                    else
                        Log(me, "no " + label);
                    break;
                }
            case "cancelself":
                Log(me, "cancelself = " + ValueText(_loop.CurrentTask!.Cancel(op[1].GetString())));
                break;
            case "cancelling":
                Log(me, "cancelling = " + _loop.CurrentTask!.Cancelling);
                break;
            case "fset" or "fexc" or "fcancel":
                {
                    string fname = op[1].GetString()!;
                    if (!_futures.TryGetValue(fname, out var fut))
                    {
                        Log(me, "no " + fname);
                        break;
                    }
                    try
                    {
                        object? r = null;
                        if (name == "fset")
                            ((Future<object?>)fut).SetResult(op[2].GetInt64());
                        else if (name == "fexc")
                            fut.SetException(new ValueError(op[2].GetString()!));
                        else
                            r = fut.Cancel(op[2].GetString());
                        Log(me, $"{name} {fname} = {ValueText(r)}");
                    }
                    catch (Exception e)
                    {
                        Log(me, $"{name} {fname} ! {ExceptionText(e)}");
                    }
                    break;
                }
            case "fawait":
                {
                    string fname = op[1].GetString()!;
                    if (!_futures.TryGetValue(fname, out var fut))
                    {
                        Log(me, "no " + fname);
                        break;
                    }
                    object? r;
                    try
                    {
                        await fut;
                        r = fut.Result();
                    }
                    catch (Exception e)
                    {
                        Log(me, $"fawait {fname} ! {ExceptionText(e)}");
                        throw;
                    }
                    Log(me, $"fawait {fname} = {ValueText(r)}");
                    break;
                }
            case "fcb":
                {
                    string fname = op[1].GetString()!;
                    if (!_futures.TryGetValue(fname, out var fut))
                    {
                        Log(me, "no " + fname);
                        break;
                    }
                    fut.AddDoneCallback(done => Log("cb", $"done {fname} {StateText(done)}"));
                    Log(me, "fcb " + fname);
                    break;
                }
            case "soon" or "soonraise" or "later" or "at":
                {
                    long id = op[op.GetArrayLength() - 1].GetInt64();
                    Handle handle = name switch
                    {
                        "soon" => _loop.CallSoon(() => Log("cb", $"cb{id}")),
                        "soonraise" => _loop.CallSoon(() =>
                        {
                            Log("cb", $"cb{id} raises");
                            throw new ValueError($"cb{id}");
                        }),
                        "later" => _loop.CallLater(op[1].GetDouble(), () => Log("cb", $"cb{id}")),
                        _ => _loop.CallAt(_loop.Time() + op[1].GetDouble(), () => Log("cb", $"cb{id}")),
                    };
                    _handles[id] = handle;
                    Log(me, $"{name} cb{id}");
                    break;
                }
            case "hcancel":
                {
                    long id = op[1].GetInt64();
                    if (_handles.TryGetValue(id, out var handle))
                    {
                        handle.Cancel();
                        Log(me, $"hcancel cb{id}");
                    }
                    else
                    {
                        Log(me, $"no cb{id}");
                    }
                    break;
                }
            case "gather":
                {
                    var tasks = op[1].EnumerateArray().Select(k => BodyTask(k.GetInt32())).ToList();
                    string gname = op[3].GetString()!;
                    var outer = _loop.Gather(tasks, op[2].GetBoolean());
                    _futures[gname] = outer;
                    object? r;
                    try
                    {
                        r = await outer;
                    }
                    catch (Exception e)
                    {
                        Log(me, $"gather {gname} ! {ExceptionText(e)}");
                        throw;
                    }
                    Log(me, $"gather {gname} = {ValueText(r)}");
                    break;
                }
            case "wait":
                {
                    var ks = op[1].EnumerateArray().Select(k => k.GetInt32()).ToList();
                    var tasks = ks.Select(BodyTask).ToList();
                    var when = op[3].GetString() switch
                    {
                        "all" => ReturnWhen.AllCompleted,
                        "first" => ReturnWhen.FirstCompleted,
                        _ => ReturnWhen.FirstException,
                    };
                    var (done, pending) = await _loop.Wait(tasks, OptionalDouble(op[2]), when);
                    string Labels(HashSet<LoopTask<object?>> set) =>
                        "[" + string.Join(",", ks.Where((_, i) => set.Contains(tasks[i])).Order().Select(k => "t" + k)) + "]";
                    Log(me, $"wait done={Labels(done)} pending={Labels(pending)}");
                    break;
                }
            case "wait_for":
                {
                    int k = op[1].GetInt32();
                    double? timeout = OptionalDouble(op[2]);
                    object? r;
                    try
                    {
                        r = op[3].GetBoolean()
                            ? await _loop.WaitFor(() => Body(k), timeout)
                            : await _loop.WaitFor(BodyTask(k), timeout);
                    }
                    catch (Exception e)
                    {
                        Log(me, $"wait_for t{k} ! {ExceptionText(e)}");
                        throw;
                    }
                    Log(me, $"wait_for t{k} = {ValueText(r)}");
                    break;
                }
            case "shield":
                {
                    var task = BodyTask(op[1].GetInt32());
                    string sname = op[2].GetString()!;
                    var outer = _loop.Shield(task);
                    _futures[sname] = outer;
                    object? r;
                    try
                    {
                        r = await outer;
                    }
                    catch (Exception e)
                    {
                        Log(me, $"shield {sname} ! {ExceptionText(e)}");
                        throw;
                    }
                    Log(me, $"shield {sname} = {ValueText(r)}");
                    break;
                }
            case "shieldt":
                {
                    string label = "t" + op[1].GetInt32();
                    if (!_tasks.TryGetValue(label, out var task))
                    {
                        Log(me, "no " + label);
                        break;
                    }
                    object? r;
                    try
                    {
                        r = await _loop.Shield(task);
                    }
                    catch (Exception e)
                    {
                        Log(me, $"shieldt {label} ! {ExceptionText(e)}");
                        throw;
                    }
                    Log(me, $"shieldt {label} = {ValueText(r)}");
                    break;
                }
            case "as_completed":
                {
                    var tasks = op[1].EnumerateArray().Select(k => (IFuture<object?>)BodyTask(k.GetInt32())).ToList();
                    foreach (var next in _loop.AsCompleted(tasks, OptionalDouble(op[2])))
                    {
                        // Python's `except Exception`: a CancelledError goes through.
                        try
                        {
                            Log(me, "next = " + ValueText(await next));
                        }
                        catch (Exception e) when (e is not CancelledError)
                        {
                            Log(me, "next ! " + ExceptionText(e));
                        }
                    }
                    break;
                }
            case "taskgroup":
                {
                    (bool Done, object? Value) outcome;
                    try
                    {
                        outcome = await _loop.TaskGroup(async tg =>
                        {
                            foreach (var k in op[1].EnumerateArray())
                                _tasks["t" + k.GetInt32()] = tg.CreateTask(() => Body(k.GetInt32()));
                            Log(me, "taskgroup in");
                            return await Block(me, op[2], scopes);
                        });
                    }
                    catch (Exception e)
                    {
                        Log(me, "taskgroup ! " + ExceptionText(e));
                        throw;
                    }
                    if (outcome.Done)
                    {
                        Log(me, "taskgroup return");
                        return outcome;
                    }
                    Log(me, "taskgroup out");
                    break;
                }
            case "timeout":
                {
                    TimeoutScope? cm = null;
                    (bool Done, object? Value) outcome;
                    try
                    {
                        outcome = await _loop.Timeout(OptionalDouble(op[1]), scope =>
                        {
                            cm = scope;
                            return Block(me, op[2], [.. scopes, scope]);
                        });
                    }
                    catch (Exception e)
                    {
                        Log(me, $"timeout ! {ExceptionText(e)} expired={ValueText(cm?.Expired ?? false)}");
                        throw;
                    }
                    if (outcome.Done)
                        return outcome;
                    Log(me, $"timeout out expired={ValueText(cm!.Expired)}");
                    break;
                }
            case "resched":
                if (scopes.Count > 0)
                {
                    double? delay = OptionalDouble(op[1]);
                    scopes[^1].Reschedule(delay is null ? null : _loop.Time() + delay.Value);
                    Log(me, "resched " + (delay is null ? "None" : Number(op[1])));
                }
                else
                {
                    Log(me, "resched none");
                }
                break;
            case "qput":
                await _queue.PutAsync(op[1].GetInt64());
                Log(me, "qput " + op[1].GetInt64());
                break;
            case "qget":
                Log(me, "qget = " + await _queue.GetAsync());
                break;
            case "qputn":
                _queue.PutNowait(op[1].GetInt64());
                Log(me, "qputn " + op[1].GetInt64());
                break;
            case "qgetn":
                Log(me, "qgetn = " + _queue.GetNowait());
                break;
            case "lock" or "sem":
                {
                    (bool Done, object? Value) outcome;
                    using (await (name == "lock" ? _lock.LockAsync() : _semaphore.LockAsync()))
                    {
                        Log(me, name + " in");
                        outcome = await Block(me, op[1], scopes);
                    }
                    Log(me, name + " out");
                    if (outcome.Done)
                        return outcome;
                    break;
                }
            case "lacq":
                await _lock.AcquireAsync();
                Log(me, "lacq");
                break;
            case "lrel":
                _lock.Release();
                Log(me, "lrel");
                break;
            case "ewait":
                await _event.WaitAsync();
                Log(me, "ewait");
                break;
            case "eset":
                _event.Set();
                Log(me, "eset");
                break;
            case "eclear":
                _event.Clear();
                Log(me, "eclear");
                break;
            case "sacq":
                await _semaphore.AcquireAsync();
                Log(me, "sacq");
                break;
            case "srel":
                _semaphore.Release();
                Log(me, "srel");
                break;
            case "cwait":
                using (await _condition.LockAsync())
                {
                    await _condition.WaitAsync();
                    Log(me, "cwait");
                }
                break;
            case "cnotify":
                using (await _condition.LockAsync())
                {
                    _condition.Notify(op[1].GetInt32());
                    Log(me, "cnotify " + op[1].GetInt32());
                }
                break;
            default:
                throw new InvalidDataException("unknown op " + name);
        }
        return (false, null);
    }

    private static double? OptionalDouble(JsonElement e) =>
        e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();

    // Python's str() of the JSON number as written: 0.25, 1.0, 0.
    private static string Number(JsonElement e) => e.GetRawText();

    private static string StateText(Future f)
    {
        if (!f.Done)
            return "pending";
        if (f.Cancelled)
            return "cancelled";
        return f.Exception() is { } e ? "! " + ExceptionText(e) : "= " + ValueText(f.Result());
    }

    /// <summary>An object as Python's <c>str()</c> prints the value asyncio would hold.</summary>
    public static string ValueText(object? v) => v switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        object?[] list => "[" + string.Join(", ", list.Select(ValueText)) + "]",
        Exception e => ExceptionText(e),
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    /// <summary><c>Type:message</c> under asyncio's names for the .NET exceptions that stand for them.</summary>
    public static string ExceptionText(Exception e) => e switch
    {
        AggregateException group => "ExceptionGroup[" + string.Join(", ", group.InnerExceptions.Select(ExceptionText)) + "]",
        CancelledError c => "CancelledError:" + c.CancelMessage,
        TimeoutException => "TimeoutError:" + e.Message,
        InvalidStateError => "InvalidStateError:" + e.Message,
        // Python's are empty, EventLoop's carry a message (a documented difference).
        QueueEmptyError => "QueueEmpty:",
        QueueFullError => "QueueFull:",
        ValueError => "ValueError:" + e.Message,
        InvalidOperationException => "RuntimeError:" + e.Message,
        _ => e.GetType().Name + ":" + e.Message,
    };
}

/// <summary>The programs' own error, Python's <c>ValueError</c>.</summary>
public sealed class ValueError(string message) : Exception(message);
