using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio;

public sealed partial class EventLoop
{
    /// <summary>The task whose step is running, or <see langword="null"/> in a plain callback: asyncio's <c>asyncio.current_task()</c>.</summary>
    public LoopTask? CurrentTask => _currentTask;

    /// <summary>Creates a pending Future on this loop: asyncio's <c>loop.create_future()</c>.</summary>
    /// <remarks>Works on a closed loop, as in asyncio: making a Future schedules nothing; completing
    /// one that has done-callbacks then throws "Event loop is closed".</remarks>
    public Future<T> CreateFuture<T>() => new(this);

    /// <summary>Wraps <paramref name="coroutine"/> in a task whose first step runs in the next iteration: asyncio's <c>loop.create_task(coro, name=)</c>.</summary>
    /// <remarks>
    /// <para>The function is not called now: its first step is scheduled with
    /// <see cref="CallSoon(Action)"/>, so the caller runs on until it yields. Pass a lambda that
    /// calls the async method, <c>() => FooAsync()</c>, as Python passes <c>foo()</c> unstarted.</para>
    /// <para>With <see cref="EagerTasks"/> on and the loop running, the first step runs now,
    /// inside this call, instead (3.12's <c>eager_task_factory</c>).</para>
    /// <para>When <paramref name="cancellationToken"/> fires, from any thread, the task is
    /// cancelled (asyncio's <c>task.cancel()</c>); a token cancelled already cancels it before its
    /// first step, so that its method never starts.</para>
    /// </remarks>
    public LoopTask CreateTask(Func<Task> coroutine, string? name = null, CancellationToken cancellationToken = default)
    {
        if (coroutine is null)
            ThrowHelper.ArgumentNull(nameof(coroutine));
        var task = new LoopTask(this, coroutine, name, NextTaskNumber(name));
        Schedule(task, cancellationToken);
        return task;
    }

    /// <summary>Wraps <paramref name="coroutine"/> in a task whose first step runs in the next iteration: asyncio's <c>loop.create_task(coro, name=)</c>.</summary>
    /// <remarks>See <see cref="CreateTask(Func{Task}, string?, CancellationToken)"/>.</remarks>
    public LoopTask<T> CreateTask<T>(Func<Task<T>> coroutine, string? name = null, CancellationToken cancellationToken = default)
    {
        if (coroutine is null)
            ThrowHelper.ArgumentNull(nameof(coroutine));
        var task = new LoopTask<T>(this, coroutine, name, NextTaskNumber(name));
        Schedule(task, cancellationToken);
        return task;
    }

    /// <summary>Wraps <paramref name="function"/> (<c>() =&gt; queue.GetAsync()</c>) in a task that awaits what it returns: asyncio's <c>loop.create_task(queue.get())</c>.</summary>
    /// <remarks>See <see cref="CreateTask(Func{Task}, string?, CancellationToken)"/>. The function is called in the task's first step.</remarks>
    [OverloadResolutionPriority(-1)] // an async lambda converts to Func<ValueTask<T>> too: Func<Task<T>> wins then
    public LoopTask<T> CreateTask<T>(Func<ValueTask<T>> function, string? name = null, CancellationToken cancellationToken = default)
    {
        if (function is null)
            ThrowHelper.ArgumentNull(nameof(function));
        return CreateTask(async () => await function(), name, cancellationToken);
    }

    /// <summary>Wraps <paramref name="function"/> (<c>() =&gt; loop.Sleep(1)</c>, a ValueTask, a coroutine) in a task that awaits what it returns: asyncio's <c>loop.create_task(coro)</c>.</summary>
    /// <remarks>See <see cref="CreateTask(Func{Task}, string?, CancellationToken)"/>. The function is called in the task's first step.</remarks>
    public LoopTask CreateTask(Func<Awaitable> function, string? name = null, CancellationToken cancellationToken = default)
    {
        if (function is null)
            ThrowHelper.ArgumentNull(nameof(function));
        return CreateTask(() => function().AwaitAsync(), name, cancellationToken);
    }

    /// <summary>Wraps <paramref name="coroutine"/> in a task whose first step starts it in the next iteration: asyncio's <c>loop.create_task(coro(), name=)</c>.</summary>
    /// <remarks>
    /// <para>As in Python, the coroutine has not started (calling an <c>async Coroutine</c>
    /// method runs none of it): its body starts in the task's first step. A coroutine that was
    /// started before makes the task fail in that step with "cannot reuse already awaited
    /// coroutine" (or "coroutine is being awaited already").</para>
    /// <para>With <see cref="EagerTasks"/> on and the loop running, the first step runs now,
    /// inside this call, instead (3.12's <c>eager_task_factory</c>).</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public LoopTask CreateTask(Coroutine coroutine, string? name = null, CancellationToken cancellationToken = default)
    {
        var core = coroutine.Core;
        var task = new LoopTask(this, core, name, NextTaskNumber(name));
        Schedule(task, cancellationToken);
        return task;
    }

    /// <summary>Wraps <paramref name="coroutine"/> in a task whose first step starts it in the next iteration: asyncio's <c>loop.create_task(coro(), name=)</c>.</summary>
    /// <remarks>See <see cref="CreateTask(Coroutine, string?, CancellationToken)"/>.</remarks>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public LoopTask<T> CreateTask<T>(Coroutine<T> coroutine, string? name = null, CancellationToken cancellationToken = default)
    {
        var core = coroutine.Core;
        var task = new LoopTask<T>(this, core, name, NextTaskNumber(name));
        Schedule(task, cancellationToken);
        return task;
    }

    // asyncio (tasks.py, Task.__init__): only a task without a name takes the next number, so
    // that "Task-N" counts unnamed tasks alone.
    private long NextTaskNumber(string? name)
    {
        CheckClosed();
        CheckThread(nameof(CreateTask));
        return name is null ? ++_taskCounter : 0;
    }

    private void Schedule(LoopTask task, CancellationToken cancellationToken)
    {
        // Link at the tail of the pending list: AllTasks() lists tasks in creation order.
        task._prevPending = _pendingTail;
        if (_pendingTail is null)
            _pendingHead = task;
        else
            _pendingTail._nextPending = task;
        _pendingTail = task;
        _pendingCount++;
        if (TracingTasks)
            TraceTask(task);
        _observer?.TaskCreated(task);
        // Before the first step: a token cancelled already cancels the task before its method runs.
        CancelOn(task, cancellationToken);
        // asyncio (tasks.py, Task.__init__): eager only while the loop runs; a task made before
        // run_until_complete starts in the first iteration, as any other. Past the stack's
        // reserve (eager tasks that make eager tasks, deep enough) the task starts in the next
        // iteration instead: asyncio would raise RecursionError inside the innermost one.
        if (EagerTasks && IsRunning && RuntimeHelpers.TryEnsureSufficientExecutionStack())
            StartEagerly(task);
        else
            _ready.Enqueue(WorkItem.Step(task, task.Context, WorkKind.TaskStart));
    }

    /// <summary>Whether tasks take their first step inside <see cref="CreateTask(Func{Task}, string?, CancellationToken)"/> while the loop runs: asyncio's <c>loop.set_task_factory(asyncio.eager_task_factory)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>loop.set_task_factory(asyncio.eager_task_factory)</c> to turn it on,
    /// <c>loop.set_task_factory(None)</c> to turn it off; reading it is
    /// <c>loop.get_task_factory() is asyncio.eager_task_factory</c> (3.12).</para>
    /// <para>On a running loop, <c>CreateTask</c> (and so <c>EnsureFuture</c>, <c>Gather</c>,
    /// <c>Shield</c>, <c>TaskGroup.CreateTask</c> of a coroutine) runs the new task's first step at
    /// once, with the new task current, up to its first suspension: a coroutine that never
    /// suspends returns a task that is already done and was never queued. A task created while the
    /// loop is not running starts in the loop's first iteration, as without eager tasks. Off by
    /// default; <see cref="EventLoopOptions.EagerTasks"/> turns it on from the start.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">Set from another thread while the loop runs.</exception>
    public bool EagerTasks
    {
        get => _eagerTasks;
        set
        {
            CheckThread(nameof(EagerTasks));
            _eagerTasks = value;
        }
    }

    /// <summary>The task's first step, now, inside CreateTask: asyncio's <c>Task.__eager_start</c>.</summary>
    /// <remarks>
    /// The creator (a task's step, or a callback) is suspended in the middle of its own code, so
    /// everything a step leaves behind is put back: the current task, the SynchronizationContext
    /// the loop installed, and the ExecutionContext (asyncio runs the step in the task's own copy
    /// of the context, so what it sets does not reach the creator).
    /// </remarks>
    private void StartEagerly(LoopTask task)
    {
        var previousTask = _currentTask;
        var previousInstalled = _installedTaskContext;
        var previousContext = SynchronizationContext.Current;
        var previousExecutionContext = ExecutionContext.Capture();
        try
        {
            task.Context.RunStep(WorkItem.Step(task, task.Context, WorkKind.TaskStart));
        }
        finally
        {
            _currentTask = previousTask;
            _installedTaskContext = previousInstalled;
            if (!ReferenceEquals(SynchronizationContext.Current, previousContext))
                SynchronizationContext.SetSynchronizationContext(previousContext);
            if (previousExecutionContext is not null && !ReferenceEquals(ExecutionContext.Capture(), previousExecutionContext))
                ExecutionContext.Restore(previousExecutionContext);
        }
    }

    /// <summary>Returns <paramref name="future"/> itself, after checking it belongs to this loop: asyncio's <c>ensure_future(fut)</c>.</summary>
    /// <remarks>When <paramref name="cancellationToken"/> fires, from any thread, the Future is cancelled.</remarks>
    public Future EnsureFuture(Future future, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(future);
        if (future.Loop != this)
            ThrowHelper.OtherLoop();
        CheckThread(nameof(EnsureFuture));
        CancelOn(future, cancellationToken);
        return future;
    }

    /// <summary>A Future of this loop for any awaitable: asyncio's <c>ensure_future(aw)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.ensure_future(aw, loop=loop)</c>: a Future or task as it is (of
    /// this loop, or <see cref="ArgumentException"/>), a coroutine or a sleep as a new task, a .NET
    /// Task through <see cref="WrapFuture(Task, CancellationTokenSource?)"/>, a pending ValueTask as
    /// a task that awaits it (asyncio's <c>_wrap_awaitable</c>). A ValueTask of the loop's own
    /// primitives (<c>queue.GetAsync()</c>) is a wait already started in the calling task: to give
    /// the wait a task of its own, pass the function, <c>CreateTask(() =&gt; queue.GetAsync())</c>.</para>
    /// <para>When <paramref name="cancellationToken"/> fires, from any thread, the Future is cancelled.</para>
    /// </remarks>
    [OverloadResolutionPriority(-1)] // a Future or task argument keeps its own overload (no conversion to Awaitable is "better" than one to IFuture<T>)
    public Future EnsureFuture(Awaitable awaitable, CancellationToken cancellationToken = default)
    {
        CheckClosed();
        CheckThread(nameof(EnsureFuture));
        var future = awaitable.ToFuture(this);
        CancelOn(future, cancellationToken);
        return future;
    }

    /// <summary>Wraps <paramref name="coroutine"/> in a task: asyncio's <c>ensure_future(coro())</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.ensure_future(coro)</c>, which is <c>create_task</c> for a coroutine; the token cancels the task.</remarks>
    public LoopTask EnsureFuture(Func<Task> coroutine, CancellationToken cancellationToken = default) => CreateTask(coroutine, null, cancellationToken);

    /// <summary>Wraps <paramref name="coroutine"/> in a task: asyncio's <c>ensure_future(coro())</c>.</summary>
    /// <remarks>The token cancels the task.</remarks>
    public LoopTask<T> EnsureFuture<T>(Func<Task<T>> coroutine, CancellationToken cancellationToken = default) => CreateTask(coroutine, null, cancellationToken);

    /// <summary>Wraps <paramref name="coroutine"/> in a task: asyncio's <c>ensure_future(coro())</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.ensure_future(coro)</c>, which is <c>create_task</c> for a coroutine; the token cancels the task.</remarks>
    public LoopTask EnsureFuture(Coroutine coroutine, CancellationToken cancellationToken = default) => CreateTask(coroutine, null, cancellationToken);

    /// <summary>Wraps <paramref name="coroutine"/> in a task: asyncio's <c>ensure_future(coro())</c>.</summary>
    /// <remarks>The token cancels the task.</remarks>
    public LoopTask<T> EnsureFuture<T>(Coroutine<T> coroutine, CancellationToken cancellationToken = default) => CreateTask(coroutine, null, cancellationToken);

    /// <summary>Wraps a .NET <see cref="Task"/> in a Future of this loop: asyncio's <c>ensure_future(awaitable)</c>, which is <see cref="WrapFuture(Task, CancellationTokenSource?)"/>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.ensure_future(awaitable)</c> / <c>asyncio.wrap_future(fut)</c>.</para>
    /// <para>The Future completes on the loop once the Task does; a virtual-time loop counts the
    /// Task as outstanding work meanwhile. Cancelling the Future (or <paramref name="cancellationToken"/>)
    /// does not cancel the Task: .NET Tasks are cancelled by their token (pass a source to
    /// <see cref="WrapFuture(Task, CancellationTokenSource?)"/>).</para>
    /// </remarks>
    public Future<object?> EnsureFuture(Task task, CancellationToken cancellationToken = default)
    {
        var future = WrapFuture(task);
        CancelOn(future, cancellationToken);
        return future;
    }

    /// <summary>Runs an <see cref="Combinators.AsCompleted{T}(EventLoop, IEnumerable{IFuture{T}}, double?, CancellationToken)"/> awaitable as a task: asyncio's <c>ensure_future(coro)</c> of one of them.</summary>
    /// <remarks>The token cancels the task.</remarks>
    public LoopTask<T> EnsureFuture<T>(AsCompletedAwaitable<T> awaitable, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(awaitable);
        return CreateTask(awaitable.AsTask, null, cancellationToken);
    }

    /// <summary>Cancels <paramref name="future"/> when <paramref name="token"/> fires, from any thread: asyncio's <c>fut.cancel()</c> driven by a .NET token.</summary>
    /// <remarks>No cost for a token that cannot be cancelled; the registration ends with the Future.</remarks>
    internal static void CancelOn(Future future, CancellationToken token) => Internal.TokenCancellation.CancelWhilePending(future, token);

    /// <summary>The tasks of this loop not yet done, in creation order: asyncio's <c>asyncio.all_tasks()</c>.</summary>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public IReadOnlyList<LoopTask> AllTasks()
    {
        CheckThread(nameof(AllTasks));
        var list = new List<LoopTask>(_pendingCount);
        for (var t = _pendingHead; t is not null; t = t._nextPending)
            list.Add(t);
        return list;
    }

    internal void TaskFinished(LoopTask task)
    {
        if (task._prevPending is null)
            _pendingHead = task._nextPending;
        else
            task._prevPending._nextPending = task._nextPending;
        if (task._nextPending is null)
            _pendingTail = task._prevPending;
        else
            task._nextPending._prevPending = task._prevPending;
        task._prevPending = null;
        task._nextPending = null;
        _pendingCount--;
    }

    /// <summary>At an await's resumption: throw the cancellation requested while the current task was suspended.</summary>
    /// <remarks>When no task anywhere holds one (almost always), one static load and no search for the current task.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void ThrowIfPendingForCurrentTask()
    {
        if (LoopTask.AnyPendingException)
            ThrowPendingForCurrentTask();
    }

    private void ThrowPendingForCurrentTask()
    {
        // A Future of another loop resumes a task whose own loop is the current one.
        var task = _currentTask ?? (SynchronizationContext.Current as TaskContext)?.Task;
        if (task is not null && task.HasPendingException)
            throw task.TakePendingException()!;
    }
}
