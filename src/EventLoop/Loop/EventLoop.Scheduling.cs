using Asyncio.Internal;

namespace Asyncio;

public sealed partial class EventLoop
{
    // asyncio's _MIN_SCHEDULED_TIMER_HANDLES and _MIN_CANCELLED_TIMER_HANDLES_FRACTION: compact
    // the heap once more than half of at least this many timers are cancelled.
    private const int MinTimersToCompact = 100;

    /// <summary>Arranges for <paramref name="callback"/> to run on the next loop iteration: asyncio's <c>loop.call_soon(callback)</c>.</summary>
    /// <remarks>
    /// <para>Runs on the loop thread, once, in scheduling order; a callback scheduled by another
    /// callback runs in the next iteration. An exception goes to the exception handler.</para>
    /// </remarks>
    public Handle CallSoon(Action callback)
    {
        if (callback is null)
            ThrowHelper.ArgumentNull(nameof(callback));
        return Soon(Handle.s_invokeAction, callback, nameof(CallSoon));
    }

    /// <summary>Arranges for <paramref name="callback"/> to run with a typed <paramref name="state"/> on the next loop iteration: asyncio's <c>loop.call_soon(callback, *args)</c>.</summary>
    /// <remarks>
    /// <para>Differs from asyncio: <paramref name="state"/> replaces <c>*args</c>.</para>
    /// </remarks>
    public Handle CallSoon<TState>(Action<TState> callback, TState state)
    {
        if (callback is null)
            ThrowHelper.ArgumentNull(nameof(callback));
        var (invoke, boxed) = Pack(callback, state);
        return Soon(invoke, boxed, nameof(CallSoon));
    }

    /// <summary>A typed callback as (Action&lt;object?&gt;, state): as is when it already takes an object, else boxed with its state.</summary>
    internal static (Action<object?> Invoke, object? State) Pack<TState>(Action<TState> callback, TState state) =>
        callback is Action<object?> direct && !typeof(TState).IsValueType
            ? (direct, state)
            : (StateBox<TState>.Invoke, new StateBox<TState>(callback, state));

    private Handle Soon(Action<object?> callback, object? state, string operation)
    {
        CheckClosed();
        CheckThread(operation);
        var handle = new Handle(this, callback, state);
        _ready.Enqueue(new WorkItem(handle, null, WorkKind.Handle));
        return handle;
    }

    /// <summary>Arranges for <paramref name="callback"/> to run after <paramref name="delay"/> seconds: asyncio's <c>loop.call_later(delay, callback)</c>.</summary>
    /// <remarks>
    /// <para>Never early; timers with equal deadlines run in the order scheduled (asyncio leaves
    /// that order open; we promise it). A negative delay means now. NaN throws
    /// <see cref="ArgumentOutOfRangeException"/>.</para>
    /// </remarks>
    public TimerHandle CallLater(double delay, Action callback)
    {
        if (callback is null)
            ThrowHelper.ArgumentNull(nameof(callback));
        return Later(delay, Handle.s_invokeAction, callback);
    }

    /// <summary>Arranges for <paramref name="callback"/> to run with <paramref name="state"/> after <paramref name="delay"/> seconds: asyncio's <c>loop.call_later(delay, callback, *args)</c>.</summary>
    /// <remarks>
    /// <para>Differs from asyncio: <paramref name="state"/> replaces <c>*args</c>.</para>
    /// </remarks>
    public TimerHandle CallLater<TState>(double delay, Action<TState> callback, TState state)
    {
        if (callback is null)
            ThrowHelper.ArgumentNull(nameof(callback));
        var (invoke, boxed) = Pack(callback, state);
        return Later(delay, invoke, boxed);
    }

    /// <summary>Arranges for <paramref name="callback"/> to run after <paramref name="delay"/>.</summary>
    /// <remarks>asyncio: <c>loop.call_later(delay, callback)</c>, with the delay as a <see cref="TimeSpan"/>.</remarks>
    public TimerHandle CallLater(TimeSpan delay, Action callback) => CallLater(delay.TotalSeconds, callback);

    /// <summary>Arranges for <paramref name="callback"/> to run with <paramref name="state"/> after <paramref name="delay"/>.</summary>
    /// <remarks>asyncio: <c>loop.call_later(delay, callback, *args)</c>, with the delay as a <see cref="TimeSpan"/>.</remarks>
    public TimerHandle CallLater<TState>(TimeSpan delay, Action<TState> callback, TState state) =>
        CallLater(delay.TotalSeconds, callback, state);

    private TimerHandle Later(double delay, Action<object?> callback, object? state)
    {
        if (double.IsNaN(delay))
            ThrowHelper.NaN(nameof(delay));
        return At(Time() + delay, callback, state, nameof(CallLater));
    }

    /// <summary>Arranges for <paramref name="callback"/> to run at loop time <paramref name="when"/> (see <see cref="Time"/>): asyncio's <c>loop.call_at(when, callback)</c>.</summary>
    /// <remarks>
    /// <para>Never early; equal deadlines run in the order scheduled; a time in the past means
    /// now. NaN throws <see cref="ArgumentOutOfRangeException"/>.</para>
    /// </remarks>
    public TimerHandle CallAt(double when, Action callback)
    {
        if (callback is null)
            ThrowHelper.ArgumentNull(nameof(callback));
        if (double.IsNaN(when))
            ThrowHelper.NaN(nameof(when));
        return At(when, Handle.s_invokeAction, callback, nameof(CallAt));
    }

    /// <summary>Arranges for <paramref name="callback"/> to run with <paramref name="state"/> at loop time <paramref name="when"/>: asyncio's <c>loop.call_at(when, callback, *args)</c>.</summary>
    /// <remarks>
    /// <para>Differs from asyncio: <paramref name="state"/> replaces <c>*args</c>.</para>
    /// </remarks>
    public TimerHandle CallAt<TState>(double when, Action<TState> callback, TState state)
    {
        if (callback is null)
            ThrowHelper.ArgumentNull(nameof(callback));
        if (double.IsNaN(when))
            ThrowHelper.NaN(nameof(when));
        var (invoke, boxed) = Pack(callback, state);
        return At(when, invoke, boxed, nameof(CallAt));
    }

    internal TimerHandle At(double when, Action<object?> callback, object? state, string operation)
    {
        CheckClosed();
        CheckThread(operation);
        var timer = new TimerHandle(this, when, callback, state);
        _timers.Push(timer, _timerSequence++);
        _observer?.TimerArmed(timer);
        return timer;
    }

    /// <summary>Like <see cref="CallSoon(Action)"/>, but safe to call from any thread; wakes the loop: asyncio's <c>loop.call_soon_threadsafe(callback)</c>.</summary>
    /// <remarks>
    /// <para>On the loop thread it joins the ready queue at once, in one FIFO with
    /// <see cref="CallSoon(Action)"/>, as in asyncio. From another thread, callbacks run in the
    /// order that thread submitted them; they reach the ready queue at the start of the next
    /// iteration.</para>
    /// </remarks>
    public Handle CallSoonThreadsafe(Action callback)
    {
        if (callback is null)
            ThrowHelper.ArgumentNull(nameof(callback));
        return Threadsafe(Handle.s_invokeAction, callback);
    }

    /// <summary>Like <see cref="CallSoon{TState}(Action{TState}, TState)"/>, but safe to call from any thread; wakes the loop: asyncio's <c>loop.call_soon_threadsafe(callback, *args)</c>.</summary>
    /// <remarks>
    /// <para>Differs from asyncio: <paramref name="state"/> replaces <c>*args</c>.</para>
    /// </remarks>
    public Handle CallSoonThreadsafe<TState>(Action<TState> callback, TState state)
    {
        if (callback is null)
            ThrowHelper.ArgumentNull(nameof(callback));
        var (invoke, boxed) = Pack(callback, state);
        return Threadsafe(invoke, boxed);
    }

    private Handle Threadsafe(Action<object?> callback, object? state)
    {
        CheckClosed();
        var handle = new Handle(this, callback, state);
        // asyncio appends call_soon and call_soon_threadsafe to one ready queue: on the loop
        // thread both keep one FIFO. From another thread the item waits in the inbox and joins
        // the ready queue at phase 3 of the next iteration, in arrival order.
        if (IsLoopThread)
            _ready.Enqueue(new WorkItem(handle, null, WorkKind.Handle));
        // A Close on another thread since CheckClosed: refused under the inbox's lock, so the
        // caller learns it now rather than the callback vanishing.
        else if (!_inbox.Post(new WorkItem(handle, null, WorkKind.Handle)))
            ThrowHelper.Closed();
        return handle;
    }

    // ---- internal entries -------------------------------------------------------------------

    /// <summary>Queues an item for the next iteration; the caller has checked the thread.</summary>
    internal void EnqueueReady(in WorkItem item) => _ready.Enqueue(in item);

    /// <summary>Queues an item from another thread (or from outside a run) through the inbox.</summary>
    internal void PostFromOtherThread(in WorkItem item)
    {
        // A continuation arriving after Close has nowhere to run; the loop's tasks are gone,
        // and the closed inbox refuses it.
        _inbox.Post(in item);
    }

    /// <summary>asyncio's <c>_timer_handle_cancelled</c>, plus compaction so memory stays bounded without running the loop.</summary>
    internal void OnTimerCancelled()
    {
        _cancelledTimers++;
        if (_timers.Count > MinTimersToCompact && _cancelledTimers * 2 > _timers.Count)
        {
            _timers.RemoveCancelled();
            _cancelledTimers = 0;
        }
    }

    private void DropCancelledTimersAtHead()
    {
        while (_timers.Count > 0 && _timers.Peek().Cancelled)
        {
            _timers.Pop().LeftHeap();
            _cancelledTimers--;
        }
    }

    /// <summary>Number of timers in the heap, cancelled ones included (diagnostics and tests).</summary>
    internal int TimerCount => _timers.Count;

    /// <summary>Number of items in the ready queue (diagnostics and tests).</summary>
    internal int ReadyCount => _ready.Count;

    /// <summary>The slots the ready queue, the inbox and the timer heap hold (tests: what a burst leaves behind).</summary>
    internal (int Ready, int Inbox, int Timers) RetainedCapacity => (_ready.Capacity, _inbox.Capacity, _timers.Capacity);

    // ---- Sleep(0) -----------------------------------------------------------------------------

    /// <summary>Queues a <c>Sleep(0)</c> continuation: asyncio's bare <c>yield</c> in <c>__sleep0</c>.</summary>
    internal void YieldTo(Action continuation)
    {
        var context = SynchronizationContext.Current;
        if (IsOwnTaskContext(context, out var taskContext))
        {
            taskContext.Task.OnYielded();
            _ready.Enqueue(WorkItem.Step(continuation, taskContext, WorkKind.TaskAction));
        }
        else if (context is null || context is LoopSynchronizationContext || context is TaskContext)
        {
            _ready.Enqueue(new WorkItem(continuation, null, WorkKind.Action));
        }
        else
        {
            _ready.Enqueue(new WorkItem(continuation, context, WorkKind.ForeignContext));
        }
    }

    /// <summary>Queues a <c>Sleep(0)</c> continuation that is a step of its own (a coroutine's box): no delegate inside a task.</summary>
    internal void YieldTo(ITaskStep step)
    {
        if (IsOwnTaskContext(SynchronizationContext.Current, out var taskContext))
        {
            taskContext.Task.OnYielded();
            _ready.Enqueue(WorkItem.Step(step, taskContext, WorkKind.TaskStep));
        }
        else
        {
            YieldTo(step.RunStep);
        }
    }

    // Sleep(0)'s awaiter (which holds the loop) inside a coroutine: yield with the box as the step.
    void IAwaitTarget.SuspendStep(CoroutineCore coroutine) => YieldTo(coroutine);
}
