using System.Diagnostics;
using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>A Future that drives an <c>async</c> method on the loop: asyncio's <c>Task</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.Task</c>, made by <see cref="EventLoop.CreateTask(Func{Task}, string?, CancellationToken)"/>
/// (an <c>async Task</c> method, called in the first step) or <see cref="EventLoop.CreateTask(Coroutine, string?, CancellationToken)"/>
/// (a coroutine object, started in the first step).</para>
/// <para>The method is not called at creation: its first step runs in the next loop iteration.
/// Each step runs under the task's own SynchronizationContext, so every <c>await</c> inside it
/// resumes on the loop thread as a step of this task. When the method's <see cref="Task"/> ends,
/// the task finishes in the same step: with its result, as cancelled (any
/// <see cref="OperationCanceledException"/>), or with the exception.</para>
/// <para>Differs from asyncio: the task's name is numbered per loop (<c>Task-1</c> is the first
/// task of this loop), not per process, so that runs are reproducible.</para>
/// </remarks>
public class LoopTask : Future
{
    // Invariant (asyncio tasks.py): while the task is pending, it either waits on _waiter (a loop
    // Future whose done-callback will step it), or a step of it is queued, or it waits on
    // something outside the loop (ForeignWait), which will post its continuation to the
    // task's context.
    // The method before the first step (a Func<Task>), the Task it returned after: one field
    // for both, since a task never needs the two at once. A task over a Coroutine keeps the
    // coroutine's box here throughout (OverCoroutine). Once the task is done, the type of what
    // ran, for GetCoro's name (asyncio's get_coro() answers after the end too): not the box
    // itself, whose state machine holds the method's locals. Not a field of its own: 8 bytes
    // more per task made W3 spawn 1.7 to 1.9 times slower (benchmarks/ab, 8 pairs).
    private object? _coroutine;
    private Future? _waiter;
    // Six yes/no facts in one byte rather than six bools: with the cancel count they fill one
    // 8-byte slot, and a spawned task is 8 bytes smaller.
    private TaskFlags _flags;

    [Flags]
    private enum TaskFlags : byte
    {
        None = 0,
        MustCancel = 1,          // asyncio's _must_cancel
        YieldedThisStep = 2,     // this step queued the task's next step itself (Sleep(0), a post)
        ForeignWait = 4,         // suspended on something outside the loop, which will post back
        Started = 8,             // _coroutine holds the method's Task (or the started coroutine) from here on
        QuietIfPending = 16,     // not reported when left pending at Close (asyncio's _log_destroy_pending = False)
        OverCoroutine = 32,      // _coroutine is a Coroutine's box (before and after the start), not a Func<Task>/Task
        MethodWatched = 64,      // the method's Task has a continuation that wakes the task if the method ends off its steps
    }

    private bool Has(TaskFlags flag) => (_flags & flag) != 0;

    private void Set(TaskFlags flag, bool on) => _flags = on ? _flags | flag : _flags & ~flag;

    private bool MustCancel { get => Has(TaskFlags.MustCancel); set => Set(TaskFlags.MustCancel, value); }

    private bool YieldedThisStep { get => Has(TaskFlags.YieldedThisStep); set => Set(TaskFlags.YieldedThisStep, value); }

    private bool ForeignWait { get => Has(TaskFlags.ForeignWait); set => Set(TaskFlags.ForeignWait, value); }

    private bool Started { get => Has(TaskFlags.Started); set => Set(TaskFlags.Started, value); }
    private int _cancelRequests;
    private readonly long _number;
    // What few tasks need (a pending cancellation, a name read or given, a CancellationToken, a
    // debug timestamp, a boxed result), in a side object allocated on first use: a spawned task
    // stays small.
    private TaskRareState? _taskRare;

    private sealed class TaskRareState
    {
        public Exception? PendingException;
        public string? Name;
        public CancellationTokenSource? CancellationSource;
        public double SuspendedAt = double.NaN;
        public object? BoxedResult;
        public Activity? Activity; // while traced (EventLoop.ActivitySourceName)
    }

    private TaskRareState TaskRare => _taskRare ??= new TaskRareState();

    // A cancellation (or error) to throw at the next loop await of this task: how asyncio's
    // coro.throw() is done in C#, where an exception cannot be thrown into a suspended method.
    // Rare (a cancelled task), so kept in the side object.
    private Exception? PendingException
    {
        get => _taskRare?.PendingException;
        set
        {
            var rare = _taskRare;
            if (value is null)
            {
                if (rare?.PendingException is null)
                    return;
                rare.PendingException = null;
                Interlocked.Decrement(ref s_withPendingException);
                return;
            }
            rare ??= TaskRare;
            if (rare.PendingException is null)
                Interlocked.Increment(ref s_withPendingException);
            rare.PendingException = value;
        }
    }

    // How many tasks, in the whole process, hold an exception for their next loop await. Almost
    // always zero, and then an await that does not suspend (a finished Future, the resumption
    // of a Sleep(0)) need not look for the current task at all: one load instead of three
    // dependent ones. Counted across loops and threads (hence Interlocked; a task's own thread
    // always sees its own increment), and given back when a task finishes or its loop closes.
    private static int s_withPendingException;

    /// <summary>False when no task anywhere has an exception waiting for its next loop await (see <see cref="HasPendingException"/>).</summary>
    internal static bool AnyPendingException => s_withPendingException != 0;

    /// <summary>Drops the exception this task would have thrown at its next await: its loop is closing, it never runs again.</summary>
    internal void DropPendingException() => PendingException = null;

    // The loop's list of pending tasks, intrusive so that creating a task allocates no node.
    internal LoopTask? _prevPending;
    internal LoopTask? _nextPending;

    internal LoopTask(EventLoop loop, Func<Task> coroutineFunction, string? name, long number)
        : this(loop, (object)coroutineFunction, name, number)
    {
    }

    internal LoopTask(EventLoop loop, CoroutineCore coroutine, string? name, long number)
        : this(loop, (object)coroutine, name, number)
    {
        Set(TaskFlags.OverCoroutine, true);
        coroutine.TakenByTask = true;
    }

    private LoopTask(EventLoop loop, object coroutine, string? name, long number) : base(loop)
    {
        _coroutine = coroutine;
        if (name is not null)
            TaskRare.Name = name;
        _number = number;
        Context = new TaskContext(this);
        // asyncio: a task runs in a copy of the context current at create_task (contextvars);
        // here the ExecutionContext, so AsyncLocal values flow into the task as they would.
        CapturedContext = ExecutionContext.Capture();
    }

    internal TaskContext Context { get; }

    /// <summary>The ExecutionContext current when the task was created; every step runs in it (null when flow was suppressed).</summary>
    internal ExecutionContext? CapturedContext { get; private set; }

    /// <summary>Traces this task with <paramref name="activity"/>, current now: the task's copy of the context is taken again, so that its code runs with the Activity current.</summary>
    internal void Trace(Activity activity)
    {
        TaskRare.Activity = activity;
        if (CapturedContext is not null)
            CapturedContext = ExecutionContext.Capture();
    }

    /// <summary>The task's Activity, which it no longer holds.</summary>
    internal Activity? TakeActivity()
    {
        var activity = _taskRare?.Activity;
        if (activity is not null)
            _taskRare!.Activity = null;
        return activity;
    }

    /// <summary>Whether closing the loop while this task is pending is reported (asyncio's <c>_log_destroy_pending</c>).</summary>
    internal bool LogDestroyPending
    {
        get => !Has(TaskFlags.QuietIfPending);
        set => Set(TaskFlags.QuietIfPending, !value);
    }

    /// <summary>The task's name: asyncio's <c>get_name()</c>/<c>set_name()</c>; <c>Task-N</c> unless given.</summary>
    public string Name
    {
        // Not cached in the side object: a read from another thread (a dump, a log line) must
        // not allocate loop-thread state.
        get => _taskRare?.Name ?? "Task-" + _number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Loop.CheckThread("Name");
            TaskRare.Name = value;
        }
    }

    /// <summary>What the task runs: asyncio's <c>task.get_coro()</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>task.get_coro()</c>, the coroutine object. Its <see cref="TaskCoroutine.ToString"/>
    /// is Python's repr, <c>&lt;coroutine object Main.&lt;locals&gt;.Child&gt;</c>, with the method's
    /// name as <see cref="Coroutine.ToString"/> gives it. Available before the task starts and
    /// after it is done, as in 3.12.</para>
    /// <para>Differs from asyncio: a task made from a function (<c>CreateTask(() =&gt; ChildAsync())</c>)
    /// has no coroutine object before its first step; until then it gives that function
    /// (<see cref="TaskCoroutine.Function"/>), named after the method it is (a lambda reads
    /// <c>Main.&lt;locals&gt;.&lt;lambda&gt;</c>), and from then on the async method the function
    /// started (<c>ChildAsync</c>). No address in the repr.</para>
    /// <para>Safe from any thread: it reads what the task was made over, which never changes.</para>
    /// </remarks>
    public TaskCoroutine GetCoro() => new(this);

    /// <summary>What <see cref="GetCoro"/> names: the function, the method's Task or the coroutine's box, or once done the type of what ran (see <c>_coroutine</c>).</summary>
    internal object? Origin => _coroutine;

    /// <summary>The loop time at which the task last suspended, in debug mode (for task dumps).</summary>
    internal double? SuspendedAt => _taskRare is { SuspendedAt: var at } && !double.IsNaN(at) ? at : null;

    /// <summary>The loop Future this task is suspended on, if any: asyncio's <c>_fut_waiter</c>.</summary>
    public Future? WaitingOn => _waiter;

    /// <summary>A token cancelled as soon as <see cref="Cancel"/> is requested, for .NET APIs called by the task.</summary>
    /// <remarks>
    /// <para>asyncio: no twin. Pass it to .NET APIs that the task awaits (they know nothing of loop
    /// cancellation): a cancellation of the task (by <see cref="Cancel"/>, a timeout scope, a
    /// <see cref="Asyncio.TaskGroup"/> or a token given to <c>CreateTask</c>) then stops them at
    /// once instead of at the task's next loop <c>await</c>. When <see cref="Uncancel"/> brings the
    /// count of requests back to zero, a fresh token is handed out from then on.</para>
    /// </remarks>
    /// <example>
    /// <code>
    /// // An HTTP request that a loop timeout can stop while it is on the wire.
    /// await loop.Timeout(5.0, async () =&gt;
    /// {
    ///     var token = loop.CurrentTask!.CancellationToken;
    ///     using var response = await http.GetAsync(url, token);
    ///     body = await response.Content.ReadAsStringAsync(token);
    /// });
    /// </code>
    /// When the deadline passes, the task is cancelled, the token fires, <c>HttpClient</c> throws
    /// <see cref="OperationCanceledException"/>, and the scope turns it into <see cref="TimeoutException"/>.
    /// </example>
    public CancellationToken CancellationToken
    {
        get
        {
            var rare = TaskRare;
            if (rare.CancellationSource is null)
            {
                rare.CancellationSource = new CancellationTokenSource();
                if (_cancelRequests > 0)
                    rare.CancellationSource.Cancel();
            }
            return rare.CancellationSource.Token;
        }
    }

    /// <summary>Requests that the task be cancelled; false when it is already done.</summary>
    /// <remarks>
    /// <para>asyncio: <c>task.cancel(msg=None)</c>.</para>
    /// <para>When the task is suspended on a loop Future, that Future is cancelled, so the
    /// <c>await</c> throws <see cref="CancelledError"/> inside the method at its next step;
    /// otherwise the error is thrown at its next loop <c>await</c>, or the task is cancelled
    /// before it starts. The method may catch the error and go on; the task is cancelled only if
    /// the method ends with it. Each call counts a request (<see cref="Cancelling"/>).</para>
    /// <para>Differs from asyncio: while the task awaits a .NET <see cref="Task"/>, the error
    /// waits for the task's next await of a loop awaitable; <see cref="CancellationToken"/> is
    /// cancelled at once so that .NET APIs can stop early.</para>
    /// </remarks>
    public override bool Cancel(string? message = null)
    {
        Loop.CheckThread("Cancel"); // first: even a done task's "observed" mark is loop-thread state
        MarkObserved(); // asyncio: cancel() silences "exception was never retrieved", even when done
        if (Done)
            return false;
        _cancelRequests++;
        // Tasks that await each other in a cycle cancel each other without end: as asyncio
        // raises RecursionError out of cancel(), throw InsufficientExecutionStackException
        // before the stack runs out, which would end the process.
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (_waiter is not null && _waiter.Cancel(message))
        {
            // Keep _waiter: it may be a task that ignores the request and must be asked again.
            CancelToken();
            return true;
        }
        MustCancel = true;
        StoredCancelMessage = message;
        CancelToken();
        return true;
    }

    /// <summary>The number of pending cancellation requests: asyncio's <c>task.cancelling()</c>.</summary>
    public int Cancelling => _cancelRequests;

    /// <summary>Withdraws one cancellation request; returns how many remain.</summary>
    /// <remarks>
    /// <para>asyncio: <c>task.uncancel()</c>.</para>
    /// <para>As in 3.13, bringing the count to zero also revokes a cancellation that has not yet
    /// been thrown into the method.</para>
    /// </remarks>
    public int Uncancel()
    {
        Loop.CheckThread(nameof(Uncancel));
        if (_cancelRequests > 0)
        {
            _cancelRequests--;
            if (_cancelRequests == 0)
            {
                MustCancel = false;
                if (_taskRare?.CancellationSource is { IsCancellationRequested: true })
                    _taskRare.CancellationSource = null;
            }
        }
        return _cancelRequests;
    }

    /// <summary>Not supported on a task, as in asyncio: a task's outcome is its method's.</summary>
    /// <exception cref="InvalidOperationException">Always: "Task does not support set_exception operation".</exception>
    public override void SetException(Exception exception) =>
        throw new InvalidOperationException("Task does not support set_exception operation");

    /// <summary>Lets <c>await</c> suspend until the task is done, then rethrow or continue.</summary>
    public new FutureAwaiter GetAwaiter() => new(this);

    /// <summary>asyncio's repr: <c>&lt;LoopTask pending name='Task-1'&gt;</c>.</summary>
    public override string ToString()
    {
        string state = DescribeState();
        int space = state.IndexOf(' ', 1);
        string head = space < 0 ? state : state[..space];
        string tail = space < 0 ? "" : state[space..];
        string waiting = _waiter is not null && !Done ? " wait_for=" + _waiter : "";
        return $"<{DisplayName}{head} name={Naming.Repr(Name)}{waiting}{tail}>";
    }

    private protected override string DisplayName => "LoopTask";

    // A method typed Task<T> run through CreateTask(Func<Task>) (as in a Gather of mixed
    // coroutines) still has a result, as every Python coroutine does: keep it, boxed.
    private protected override object? BoxedResult => _taskRare?.BoxedResult;

    /// <summary>Stores the result of the finished method (its <see cref="Task"/> or its coroutine's box) and marks the task finished.</summary>
    private protected virtual void SetResultFrom(object coroutine)
    {
        if (coroutine is Task task && TaskResults.GetBoxed(task) is { } boxed)
            TaskRare.BoxedResult = boxed;
        FinishCore();
    }

    // ---- driving the method: called by the loop and the awaiters ----------------------------

    private void CancelToken()
    {
        var source = _taskRare?.CancellationSource;
        if (source is not null && !source.IsCancellationRequested)
            source.Cancel();
    }

    /// <summary>An awaiter is suspending this task on <paramref name="future"/> (asyncio's <c>__step</c> after a yield).</summary>
    internal void OnAwaiting(Future future)
    {
        _waiter = future;
        if (MustCancel && future.Cancel(StoredCancelMessage))
            MustCancel = false;
    }

    /// <summary>This task queued its own next step (a <c>Sleep(0)</c> or a post to its context).</summary>
    internal void OnYielded() => YieldedThisStep = true;

    internal void ThrowOnNextStep(Exception exception) => PendingException = exception;

    /// <summary>Whether this task holds an exception for its next loop await; one static load when no task anywhere does.</summary>
    internal bool HasPendingException => AnyPendingException && PendingException is not null;

    internal Exception? TakePendingException()
    {
        var pending = PendingException;
        PendingException = null;
        return pending;
    }

    internal void BeginStep()
    {
        AssertInvariants(stepStarting: true);
        if (ForeignWait)
        {
            ForeignWait = false;
            Loop.ForeignWaitEnded();
        }
        if (MustCancel)
        {
            // asyncio's __step: a task woken by a waiter that ended in a CancelledError
            // (cancelled, or failed with one, as a gather whose child was cancelled) keeps that
            // error, with its message; only otherwise is a new one made.
            // Any other error about to be thrown (a task awaiting itself) gives way to the
            // cancellation, as __step replaces an exception that is not a CancelledError.
            if (_waiter is not { EndedInCancellation: true } && PendingException is not OperationCanceledException)
                PendingException = MakeCancelledError();
            MustCancel = false;
        }
        Loop._observer?.TaskResumed(this, _waiter);
        _waiter = null;
        YieldedThisStep = false;
    }

    /// <summary>The first step: call the method (asyncio: the first <c>coro.send(None)</c>).</summary>
    internal void Start()
    {
        if (Has(TaskFlags.OverCoroutine))
        {
            StartCoroutine();
            return;
        }
        var function = _coroutine as Func<Task>;
        _coroutine = null;
        Debug.Assert(function is not null, "a task starts once");
        if (TakePendingException() is { } pending)
        {
            // Cancelled before its first step: the method never runs, as in asyncio.
            _coroutine = function;
            CompleteWith(pending);
            return;
        }
        Task? coroutine;
        try
        {
            coroutine = function();
        }
        catch (Exception exception)
        {
            CompleteWith(exception);
            return;
        }
        _coroutine = coroutine ?? Task.FromException(new InvalidOperationException(
            $"The function of {this} returned null instead of a Task."));
        Started = true;
    }

    /// <summary>The first step of a task over a <see cref="Coroutine"/>: start it (asyncio: the first <c>coro.send(None)</c>).</summary>
    private void StartCoroutine()
    {
        var coroutine = Unsafe.As<CoroutineCore>(_coroutine)!;
        if (TakePendingException() is { } pending)
        {
            // Cancelled before its first step: the body never runs, and cannot be awaited later.
            _coroutine = coroutine.GetType();
            coroutine.Close();
            CompleteWith(pending);
            return;
        }
        if (coroutine.WhyNotStartable is { } error)
        {
            // asyncio: the task's first send raises RuntimeError, and the task fails with it.
            _coroutine = coroutine.GetType();
            CompleteWith(new InvalidOperationException(error));
            return;
        }
        Started = true;
        coroutine.StartAsTaskStep();
    }

    internal void EndStep()
    {
        if (Done)
            return;
        if (!Started)
            return;
        // A flag test and unchecked casts: a type test against Task would walk the state
        // machine box's base types on every step.
        if (Has(TaskFlags.OverCoroutine))
        {
            var box = Unsafe.As<CoroutineCore>(_coroutine)!;
            if (box.IsCompleted)
            {
                CompleteFrom(box);
                return;
            }
        }
        else
        {
            var coroutine = Unsafe.As<Task>(_coroutine)!;
            if (coroutine.IsCompleted)
            {
                CompleteFrom(coroutine);
                return;
            }
        }
        if (_waiter is null && !YieldedThisStep)
        {
            // Suspended on something outside the loop (a .NET Task): it will post back, unless
            // the await left the loop (ConfigureAwait(false), Task.Run): then the method goes on
            // elsewhere and may end there, and only the method's own Task can tell the loop.
            ForeignWait = true;
            Loop.ForeignWaitStarted();
            if (!Has(TaskFlags.OverCoroutine | TaskFlags.MethodWatched))
                WatchMethod();
        }
        if (Loop.Debug)
            TaskRare.SuspendedAt = Loop.Time();
        Loop._observer?.TaskSuspended(this, _waiter);
        AssertInvariants(stepStarting: false);
    }

    // The invariant at the top of this class (Debug builds only), at the two ends of a step:
    // suspended, a pending task waits on a loop Future, on a step it queued itself (the two may
    // go together) or outside the loop (alone). Not "a step starts only once its Future is
    // done": a wait's own resumption (a LineWaiter's) runs as a step of the task that started
    // the wait, whatever that task awaits by then.
    [Conditional("DEBUG")]
    private void AssertInvariants(bool stepStarting)
    {
        Debug.Assert(!ForeignWait || (_waiter is null && !YieldedThisStep),
            "LoopTask: a wait outside the loop goes with no loop Future and no queued step");
        Debug.Assert(stepStarting || Done || !Started || _waiter is not null || YieldedThisStep || ForeignWait,
            "LoopTask: a suspended task waits on nothing");
    }

    /// <summary>Once per task that awaits outside the loop: when its method's Task ends, wherever that is, the loop is told.</summary>
    /// <remarks>
    /// A method that awaited with <c>ConfigureAwait(false)</c> resumes on the thread pool and may
    /// return there; nothing would then step the task again and it would stay pending forever.
    /// The continuation posts <see cref="OnMethodEndedElsewhere"/> through the inbox, so the
    /// task finishes on the loop thread, its done-callbacks scheduled with <c>CallSoon</c> as
    /// for any task. When the method ends in a step, as it usually does, the post finds the task
    /// done and does nothing.
    /// </remarks>
    private void WatchMethod()
    {
        Set(TaskFlags.MethodWatched, true);
        Unsafe.As<Task>(_coroutine)!.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(
            () => Loop.PostFromOtherThread(new WorkItem(s_onMethodEndedElsewhere, this, WorkKind.StateAction)));
    }

    private static readonly Action<object?> s_onMethodEndedElsewhere = static s => ((LoopTask)s!).OnMethodEndedElsewhere();

    private static readonly Action s_noStep = static () => { };

    /// <summary>The method's Task ended outside any step of this task: one empty step finishes the task, as its last step would have.</summary>
    private void OnMethodEndedElsewhere()
    {
        if (Done || !ForeignWait)
            return;
        Context.RunStep(WorkItem.Step(s_noStep, Context, WorkKind.TaskAction));
    }

    private void CompleteFrom(Task coroutine)
    {
        switch (coroutine.Status)
        {
            case TaskStatus.RanToCompletion:
                CompleteReturned(coroutine);
                break;
            case TaskStatus.Canceled:
                CompleteWith(UnwrapCancellation(coroutine));
                break;
            default:
                var error = coroutine.Exception!.InnerExceptions.Count == 1
                    ? coroutine.Exception.InnerException!
                    : coroutine.Exception;
                CompleteWith(error);
                break;
        }
        // Only once the task is done: a step reads _coroutine as a Task without a type test.
        _coroutine = coroutine.GetType();
    }

    private void CompleteFrom(CoroutineCore coroutine)
    {
        if (coroutine.Exception is { } error)
            CompleteWith(error);
        else
            CompleteReturned(coroutine);
        _coroutine = coroutine.GetType(); // only once done, as above
    }

    /// <summary>The method returned: the task finishes with its result, unless a cancellation came first.</summary>
    private void CompleteReturned(object coroutine)
    {
        if (MustCancel || PendingException is CancelledError)
        {
            // asyncio: "Task is cancelled right before coro stops."
            MustCancel = false;
            PendingException = null;
            Loop.TaskFinished(this);
            CancelCore(StoredCancelMessage);
        }
        else
        {
            PendingException = null;
            Loop.TaskFinished(this);
            SetResultFrom(coroutine);
        }
        if (_taskRare?.Activity is not null)
            Loop.EndTrace(this, TakeActivity()!, null);
    }

    private void CompleteWith(Exception exception)
    {
        PendingException = null;
        MustCancel = false;
        if (exception is OperationCanceledException cancellation)
        {
            SavedCancelledError = cancellation as CancelledError ?? new CancelledError(null, cancellation);
            Loop.TaskFinished(this);
            CancelCore(null);
        }
        else
        {
            Loop.TaskFinished(this);
            SetExceptionCore(exception);
        }
        if (_taskRare?.Activity is not null)
            Loop.EndTrace(this, TakeActivity()!, exception);
    }

    private static OperationCanceledException UnwrapCancellation(Task coroutine)
    {
        try
        {
            coroutine.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException e)
        {
            return e;
        }
        return new CancelledError();
    }
}
