using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>The state of a <see cref="Future"/>, named as asyncio names it.</summary>
public enum FutureState
{
    /// <summary>Not done yet: asyncio's <c>PENDING</c>.</summary>
    Pending,
    /// <summary>Cancelled: asyncio's <c>CANCELLED</c>.</summary>
    Cancelled,
    /// <summary>Done with a result or an exception: asyncio's <c>FINISHED</c>.</summary>
    Finished,
}

/// <summary>The result of an operation that completes later, on one loop: asyncio's <c>Future</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.Future</c>. This base class holds everything but the typed result:
/// see <see cref="Future{T}"/> for futures you complete yourself and <see cref="LoopTask"/> for
/// the ones the loop completes from an <c>async</c> method.</para>
/// <para>Done-callbacks always go through the loop's ready queue (as <c>call_soon</c>), in the
/// order they were added, never inline: the code that completes a Future keeps running to its
/// end before anything waiting on it does. Awaiting a pending Future suspends the awaiting task
/// until one iteration after the Future completes; awaiting a done one does not suspend.</para>
/// <para>Not thread-safe, as asyncio's: complete it, cancel it and add or remove callbacks from
/// the loop's thread (other threads use <see cref="EventLoop.CallSoonThreadsafe(Action)"/>).
/// While the loop runs, each of these called from another thread throws
/// <see cref="InvalidOperationException"/> before it changes anything. The queries
/// (<see cref="Done"/>, <see cref="Cancelled"/>, <see cref="State"/>, <see cref="Result"/>,
/// <see cref="Exception"/>) may be read from any thread: they return a snapshot.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public abstract class Future : IAwaitTarget
{
    private FutureState _state;
    // Finished with an exception: a state of its own inside, shown as Finished outside, so that
    // "finished with a result" (the fast path of every await) is one compare of _state.
    private const FutureState Failed = (FutureState)3;
    // The first done-callback lives inline; the others go to a list in the side object. Order
    // of addition is the order of scheduling: the first always precedes the list's items.
    // Inline as its three parts rather than one WorkItem: a WorkItem field is 24 bytes (two
    // references and a byte, padded), while the kind alone packs beside _state, so every
    // Future and every task is 8 bytes smaller (a Future<int> 64 bytes, a LoopTask 128).
    private object? _firstCallback;
    private object? _firstState;
    private WorkKind _firstKind;

    private bool HasFirst => _firstCallback is not null;

    private WorkItem First
    {
        get => new(_firstCallback!, _firstState, _firstKind);
        set
        {
            _firstCallback = value.Callback;
            _firstState = value.State;
            _firstKind = value.Kind;
        }
    }

    private void ClearFirst()
    {
        _firstCallback = null;
        _firstState = null;
    }
    // What most Futures never need (an exception, a second done-callback, a cancel message) is
    // kept in a side object allocated on first use, so that a Future on the hot path carries
    // one reference for all of them (a Future<int> is 64 bytes).
    private RareState? _rare;

    private sealed class RareState
    {
        public Exception? Exception;
        public List<WorkItem>? More;
        public string? CancelMessage;
        public CancelledError? CancelledException;
        // Reports the exception if the Future is collected before anyone retrieves it.
        public EventLoop.UnobservedSentinel? Sentinel;
    }

    private RareState Rare => _rare ??= new RareState();

    private Exception? StoredException => _rare?.Exception;

    /// <summary>Whether awaiting this Future throws a cancellation: it was cancelled, or failed with an <see cref="OperationCanceledException"/>.</summary>
    internal bool EndedInCancellation =>
        _state == FutureState.Cancelled || (_state == Failed && StoredException is OperationCanceledException);

    private List<WorkItem>? More => _rare?.More;

    /// <summary>The message of the cancellation, as asyncio's <c>_cancel_message</c>.</summary>
    private protected string? StoredCancelMessage
    {
        get => _rare?.CancelMessage;
        set { if (value is not null || _rare is not null) Rare.CancelMessage = value; }
    }

    // The CancelledError that ended a task, handed to the first one who asks (asyncio's
    // _cancelled_exc): so an awaiter sees the very exception, with its message.
    private protected CancelledError? SavedCancelledError
    {
        get => _rare?.CancelledException;
        set { if (value is not null || _rare is not null) Rare.CancelledException = value; }
    }

    // asyncio's __log_traceback: an exception was set and nobody has looked at it yet.
    private bool _exceptionUnobserved;

    private protected Future(EventLoop loop)
    {
        Loop = loop ?? throw new ArgumentNullException(nameof(loop));
        if (loop.Debug)
            SourceTracebacks.Capture(this);
    }

    /// <summary>Where the Future or task was created, in debug mode (asyncio's <c>_source_traceback</c>).</summary>
    internal string? SourceTraceback => SourceTracebacks.Of(this);

    /// <summary>What this Future stands for when a task waits on it (a lock, a queue), for dumps and deadlock reports.</summary>
    internal virtual object? Owner => null;

    /// <summary>The loop this Future belongs to: asyncio's <c>fut.get_loop()</c>.</summary>
    public EventLoop Loop { get; }

    /// <summary>Pending, cancelled or finished: asyncio's <c>fut._state</c>.</summary>
    public FutureState State => _state == Failed ? FutureState.Finished : _state;

    /// <summary>Whether the Future has a result, an exception, or was cancelled: asyncio's <c>fut.done()</c>.</summary>
    public bool Done => _state != FutureState.Pending;

    /// <summary>Whether the Future was cancelled: asyncio's <c>fut.cancelled()</c>.</summary>
    public bool Cancelled => _state == FutureState.Cancelled;

    /// <summary>Whether an exception was set and never retrieved (what asyncio logs as "exception was never retrieved").</summary>
    internal bool ExceptionUnobserved => _exceptionUnobserved;

    /// <summary>Marks the exception as seen, so that no "exception was never retrieved" is reported.</summary>
    internal void MarkObserved()
    {
        if (_exceptionUnobserved)
            ObserveSlow();
    }

    private void ObserveSlow()
    {
        _exceptionUnobserved = false;
        if (_rare?.Sentinel is { } sentinel)
        {
            _rare.Sentinel = null;
            sentinel.Dismiss();
        }
    }

    /// <summary>At Close, under the loop's lock: whether the report of this Future is Close's to make (not already the finalizer's).</summary>
    internal bool ClaimUnobservedReport()
    {
        var sentinel = _rare?.Sentinel;
        if (sentinel is null)
            return true;
        if (sentinel._claimed)
            return false;
        sentinel._claimed = true;
        return true;
    }

    /// <summary>The result as an object: asyncio's <c>fut.result()</c> without the static type.</summary>
    /// <remarks>
    /// <para>Throws <see cref="CancelledError"/> when cancelled, <see cref="InvalidStateError"/>
    /// ("Result is not set.") when pending, and rethrows the exception that was set.
    /// <see cref="Future{T}.Result"/> and <see cref="LoopTask{T}.Result"/> return it typed.</para>
    /// </remarks>
    public object? Result()
    {
        ThrowIfNotSuccessful();
        return BoxedResult;
    }

    /// <summary>The exception that was set, or <see langword="null"/>: asyncio's <c>fut.exception()</c>.</summary>
    /// <remarks>
    /// Throws <see cref="CancelledError"/> when cancelled and
    /// <see cref="InvalidStateError"/> ("Exception is not set.") when pending.
    /// </remarks>
    public Exception? Exception()
    {
        if (_state == FutureState.Cancelled)
            throw MakeCancelledError();
        if (_state == FutureState.Pending)
            ThrowHelper.InvalidState("Exception is not set.");
        MarkObserved();
        return StoredException;
    }

    /// <summary>Marks the Future done with an exception and schedules its callbacks.</summary>
    /// <remarks>
    /// asyncio: <c>fut.set_exception(exc)</c>. Throws <see cref="InvalidStateError"/> when the
    /// Future is already done, with CPython's message, <c>invalid state</c>.
    /// </remarks>
    public virtual void SetException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Loop.CheckThread(nameof(SetException));
        SetExceptionCore(exception);
    }

    /// <summary>Cancels the Future and schedules its callbacks; false when it is already done: asyncio's <c>fut.cancel(msg=None)</c>.</summary>
    /// <remarks>
    /// <para><paramref name="message"/> becomes the <see cref="CancelledError.CancelMessage"/>
    /// of the error seen by whoever awaits it. <see cref="LoopTask.Cancel"/> only requests
    /// cancellation: see there.</para>
    /// </remarks>
    public virtual bool Cancel(string? message = null)
    {
        // Check first: even a done Future's "observed" mark is state another thread must not write.
        Loop.CheckThread(nameof(Cancel));
        MarkObserved();
        return CancelCore(message);
    }

    /// <summary>Adds a callback to run, with this Future, once it is done: asyncio's <c>fut.add_done_callback(fn)</c>.</summary>
    /// <remarks>
    /// <para>The callback is scheduled with <see cref="EventLoop.CallSoon(Action)"/> when the
    /// Future completes, or at once when it is already done; callbacks run in the order added.
    /// An exception it throws goes to the loop's exception handler.</para>
    /// </remarks>
    public void AddDoneCallback(Action<Future> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        AddCallback(new WorkItem(callback, this, WorkKind.DoneCallback));
    }

    /// <summary>Removes every registration of <paramref name="callback"/>; returns how many were removed: asyncio's <c>fut.remove_done_callback(fn)</c>.</summary>
    public int RemoveDoneCallback(Action<Future> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Loop.CheckThread(nameof(RemoveDoneCallback));
        return RemoveCallbacks(callback);
    }

    /// <summary>Lets <c>await</c> suspend until the Future is done, then rethrow or continue: asyncio's <c>Future.__await__</c>.</summary>
    public FutureAwaiter GetAwaiter() => new(this);

    /// <summary>A .NET <see cref="Task"/> that completes as this Future does, for code outside the loop: asyncio's <c>asyncio.wrap_future</c> the other way round.</summary>
    /// <remarks>
    /// <para>asyncio: no twin (Python's <c>concurrent.futures</c> bridge is
    /// <c>run_coroutine_threadsafe</c>); .NET code (<c>Task.WhenAll</c>, a test framework, a host)
    /// speaks <see cref="Task"/>.</para>
    /// <para>The Task completes in the loop iteration in which this Future's done-callbacks run:
    /// with its outcome, a cancelled Future making it Canceled, an exception making it Faulted
    /// (and counting as retrieved). Its continuations never run inline on the loop thread: an
    /// <c>await</c> of it inside a loop task resumes one iteration later, as any posted
    /// continuation. <see cref="Future{T}.AsTask"/> and <see cref="LoopTask{T}.AsTask"/> give a
    /// <see cref="Task{TResult}"/>.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public Task AsTask() => TaskBridge<object?>.Create(this, static f => f.Result());

    /// <summary>Completes a TaskCompletionSource as a Future completes: <see cref="AsTask"/>.</summary>
    private protected sealed class TaskBridge<T> : IFutureListener
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Func<Future, T> _resultOf;

        private TaskBridge(Func<Future, T> resultOf) => _resultOf = resultOf;

        public static Task<T> Create(Future future, Func<Future, T> resultOf)
        {
            future.Loop.CheckThread("AsTask");
            var bridge = new TaskBridge<T>(resultOf);
            if (future.Done)
                bridge.OnFutureDone(future);
            else
                future.AddListener(bridge);
            return bridge._completion.Task;
        }

        public void OnFutureDone(Future future)
        {
            if (future.Cancelled)
                _completion.TrySetCanceled();
            else if (future.Exception() is { } exception)
                _completion.TrySetException(exception);
            else
                _completion.TrySetResult(_resultOf(future));
        }
    }

    /// <summary>asyncio's repr: <c>&lt;Future pending&gt;</c>, <c>&lt;Future finished result=1&gt;</c>, ...</summary>
    public override string ToString() => $"<{DisplayName}{DescribeState()}>";

    private protected virtual string DisplayName => "Future";

    private protected string DescribeState() => _state switch
    {
        FutureState.Pending => " pending",
        FutureState.Cancelled => " cancelled",
        Failed => " finished exception=" + Naming.ExceptionRepr(StoredException!),
        _ => " finished result=" + Naming.Repr(BoxedResult),
    };

    /// <summary>The result boxed, once finished without an exception.</summary>
    private protected abstract object? BoxedResult { get; }

    // ---- completion, for subclasses and the loop --------------------------------------------

    private protected void ThrowIfAlreadyDone()
    {
        if (_state != FutureState.Pending)
            ThrowAlreadyDone();
    }

    private void ThrowAlreadyDone() =>
        throw new InvalidStateError("invalid state"); // CPython's C Future says exactly this

    /// <summary>Marks the Future finished (its typed result already stored) and schedules the callbacks.</summary>
    private protected void FinishCore()
    {
        Debug.Assert(_state == FutureState.Pending);
        _state = FutureState.Finished;
        if (Loop._observer is not null)
            NotifyCompleted();
        ScheduleCallbacks();
    }

    internal void SetExceptionCore(Exception exception)
    {
        ThrowIfAlreadyDone();
        Loop.CheckThread("SetException");
        Rare.Exception = exception;
        _state = Failed;
        _exceptionUnobserved = true;
        Rare.Sentinel = Loop.TrackUnobserved(this);
        if (Loop._observer is not null)
            NotifyCompleted();
        ScheduleCallbacks();
    }

    internal bool CancelCore(string? message)
    {
        if (_state != FutureState.Pending)
            return false;
        Loop.CheckThread("Cancel");
        _state = FutureState.Cancelled;
        StoredCancelMessage = message;
        OnCancelled();
        if (Loop._observer is not null)
            NotifyCompleted();
        ScheduleCallbacks();
        return true;
    }

    private void NotifyCompleted()
    {
        var observer = Loop._observer!;
        if (this is LoopTask task)
            observer.TaskFinished(task);
        observer.FutureCompleted(this);
    }

    /// <summary>Cancels the Future unless it is done: what a fired <see cref="CancellationToken"/> does to the Future a wait is suspended on (loop thread).</summary>
    internal virtual void CancelIfPending()
    {
        if (_state == FutureState.Pending)
            Cancel();
    }

    /// <summary>Hook for futures that hold a resource to release when cancelled (a sleep's timer).</summary>
    private protected virtual void OnCancelled()
    {
    }

    /// <summary>The error for an awaiter of a cancelled Future: asyncio's <c>_make_cancelled_error</c>.</summary>
    internal CancelledError MakeCancelledError()
    {
        var saved = SavedCancelledError;
        if (saved is not null)
        {
            SavedCancelledError = null;
            return saved;
        }
        return new CancelledError(StoredCancelMessage);
    }

    internal string? CancelMessage => StoredCancelMessage;

    /// <summary>Throws what <c>result()</c> would throw; returns when the Future finished with a result.</summary>
    internal void ThrowIfNotSuccessful()
    {
        if (_state == FutureState.Finished)
            return;
        ThrowNotSuccessful();
    }

    private void ThrowNotSuccessful()
    {
        if (_state == FutureState.Cancelled)
            throw MakeCancelledError();
        if (_state == FutureState.Pending)
            ThrowHelper.InvalidState("Result is not set.");
        MarkObserved();
        ExceptionDispatchInfo.Throw(StoredException!);
    }

    // ---- callbacks --------------------------------------------------------------------------

    internal void AddCallback(in WorkItem item)
    {
        if (_state != FutureState.Pending)
        {
            Loop.CheckClosed();
            Loop.CheckThread("AddDoneCallback");
            Loop.EnqueueReady(in item);
            return;
        }
        // The callback list is loop-thread state: a foreign add raced the loop's completion and
        // lost callbacks (half of 400,000) or tore the list under the reporter.
        Loop.CheckThread("AddDoneCallback");
        if (!HasFirst && More is not { Count: > 0 })
            First = item;
        else
            (Rare.More ??= new List<WorkItem>(4)).Add(item);
    }

    internal void AddListener(IFutureListener listener) =>
        AddCallback(new WorkItem(listener, this, WorkKind.Listener));

    internal int RemoveListener(IFutureListener listener) => RemoveCallbacks(listener);

    private int RemoveCallbacks(object callback)
    {
        int removed = 0;
        var more = More;
        if (more is { Count: > 0 })
            removed += more.RemoveAll(item => ReferenceEquals(item.Callback, callback) || Equals(item.Callback, callback));
        if (HasFirst && (ReferenceEquals(_firstCallback, callback) || Equals(_firstCallback, callback)))
        {
            removed++;
            ClearFirst();
        }
        // Keep the first slot filled while the list has items, so that order is preserved.
        if (!HasFirst && more is { Count: > 0 })
        {
            First = more[0];
            more.RemoveAt(0);
        }
        return removed;
    }

    private void ScheduleCallbacks()
    {
        if (!HasFirst)
            return;
        var loop = Loop;
        loop.CheckClosed();
        loop.EnqueueReady(First);
        ClearFirst();
        if (More is { Count: > 0 } more)
        {
            foreach (var item in more)
                loop.EnqueueReady(in item);
            more.Clear();
        }
    }

    /// <summary>Number of callbacks waiting for this Future (diagnostics and tests).</summary>
    internal int CallbackCount => (HasFirst ? 1 : 0) + (More?.Count ?? 0);

    // ---- await ------------------------------------------------------------------------------

    /// <summary>Registers an <c>await</c> continuation; see docs/how-the-loop-works.md. Never throws: an await from another thread goes through <see cref="ForeignAwait"/>.</summary>
    internal void OnAwait(Action continuation)
    {
        var loop = Loop;
        if (loop.IsRunningElsewhere)
        {
            // Never throw out of an awaiter's OnCompleted: .NET rethrows it on the thread pool,
            // which ends the process. The await works instead (see ForeignAwait).
            OnAwaitFromOtherThread(continuation);
            return;
        }
        var context = SynchronizationContext.Current;
        if (loop.IsOwnTaskContext(context, out var taskContext))
        {
            var task = taskContext.Task;
            if (ReferenceEquals(task, this))
            {
                // asyncio: the task's next step raises RuntimeError instead of waiting forever.
                task.ThrowOnNextStep(new InvalidOperationException($"Task cannot await on itself: {task}"));
                loop.EnqueueReady(WorkItem.Step(continuation, taskContext, WorkKind.TaskAction));
                return;
            }
            if (task.HasPendingException)
            {
                // A cancellation that arrived while the task awaited a .NET Task is thrown at
                // this await: resume at once to throw it, rather than wait for this Future.
                loop.EnqueueReady(WorkItem.Step(continuation, taskContext, WorkKind.TaskAction));
                return;
            }
            AddCallback(WorkItem.Step(continuation, taskContext, WorkKind.TaskAction));
            task.OnAwaiting(this);
        }
        else if (context is TaskContext otherLoopTask)
        {
            // asyncio: "Task ... got Future ... attached to a different loop", thrown into the
            // task at its next step instead of a wait that could never end.
            otherLoopTask.Task.ThrowOnNextStep(ThrowHelper.FutureOfOtherLoopError(otherLoopTask.Task, this));
            otherLoopTask.Post(static c => ((Action)c!)(), continuation);
        }
        else if (loop.IsClosed)
        {
            // Nothing will ever complete this Future: resume on the awaiting side at once, and
            // GetResult says why, rather than a wait that never ends.
            ForeignAwait.Register(this, continuation);
        }
        else if (context is null || context is LoopSynchronizationContext)
        {
            // Not inside a task: resume as a plain callback on the loop.
            AddCallback(new WorkItem(continuation, null, WorkKind.Action));
        }
        else
        {
            AddCallback(new WorkItem(continuation, context, WorkKind.ForeignContext));
        }
    }

    /// <summary>An await from a thread that is not the loop's while the loop runs: registered on the loop thread, resumed on the awaiting side.</summary>
    private void OnAwaitFromOtherThread(Action continuation)
    {
        if (SynchronizationContext.Current is TaskContext otherLoopTask && otherLoopTask.Loop != Loop && otherLoopTask.Loop.IsLoopThread)
        {
            // A task of another loop, on that loop's thread: asyncio's "attached to a different
            // loop", as on the loop-thread path.
            otherLoopTask.Task.ThrowOnNextStep(ThrowHelper.FutureOfOtherLoopError(otherLoopTask.Task, this));
            otherLoopTask.Post(static c => ((Action)c!)(), continuation);
            return;
        }
        ForeignAwait.Register(this, continuation);
    }

    /// <summary>Registers internal work (a queue's waiter) that resumes as an <c>await</c> continuation would, without a delegate inside a task.</summary>
    internal void OnAwait(ITaskStep step)
    {
        if (Loop.IsOwnTaskContext(SynchronizationContext.Current, out var taskContext) && !ReferenceEquals(taskContext.Task, this)
            && !taskContext.Task.HasPendingException && !Loop.IsRunningElsewhere)
        {
            AddCallback(WorkItem.Step(step, taskContext, WorkKind.TaskStep));
            taskContext.Task.OnAwaiting(this);
            return;
        }
        // Anywhere else, whatever an await does there; a delegate, off the hot path.
        OnAwait(step.RunStep);
    }

    // The awaiter of this Future inside a coroutine: the coroutine's box is the step to queue.
    void IAwaitTarget.SuspendStep(CoroutineCore coroutine) => OnAwait(coroutine);

    /// <summary>This Future seen through the typed interface, its result boxed.</summary>
    internal IFuture<object?> AsTyped() => this as IFuture<object?> ?? new UntypedView(this);

    private sealed class UntypedView(Future future) : IFuture<object?>
    {
        public Future AsFuture() => future;

        public object? Result() => future.Result();
    }

    /// <summary>What <c>GetResult</c> of an awaiter does: a cancellation requested while the task was suspended lands here first.</summary>
    internal void GetResultForAwait()
    {
        // Fast path, the await of a Future finished with a result while no task has a
        // cancellation waiting to be thrown: two independent loads.
        if (_state == FutureState.Finished && !LoopTask.AnyPendingException)
            return;
        Loop.ThrowIfPendingForCurrentTask();
        if (_state == FutureState.Pending && Loop.IsClosed)
            ThrowClosedWhileAwaited();
        ThrowIfNotSuccessful();
    }

    // Only an await from another thread resumes while its Future is pending: its loop closed.
    private void ThrowClosedWhileAwaited() => throw new InvalidOperationException(
        $"Cannot await {this} from a thread that is not its loop's: {ThrowHelper.ClosedMessage}, so it can never complete.");
}
