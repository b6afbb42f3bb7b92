using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio;

public sealed partial class EventLoop
{
    // ---- Sleep ------------------------------------------------------------------------------

    /// <summary>Suspends the awaiting task for <paramref name="delay"/> seconds: asyncio's <c>await asyncio.sleep(delay)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.sleep(delay)</c>.</para>
    /// <para><c>Sleep(0)</c> (or any delay of zero or less) yields exactly one iteration. A
    /// positive delay waits on a Future completed by a timer; cancelling the task cancels both.
    /// NaN throws <see cref="ArgumentOutOfRangeException"/>.</para>
    /// </remarks>
    public SleepAwaitable Sleep(double delay)
    {
        if (double.IsNaN(delay))
            ThrowHelper.NaN(nameof(delay));
        return new SleepAwaitable(this, delay);
    }

    /// <summary>Suspends the awaiting task for <paramref name="delay"/>: asyncio's <c>await asyncio.sleep(delay)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.sleep(delay)</c>, with the delay as a <see cref="TimeSpan"/>.</remarks>
    public SleepAwaitable Sleep(TimeSpan delay) => Sleep(delay.TotalSeconds);

    /// <summary>Suspends the awaiting task for <paramref name="delay"/> seconds, or until <paramref name="cancellationToken"/> fires: asyncio's <c>await asyncio.sleep(delay)</c> with a .NET token.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.sleep(delay)</c>. When the token fires, from any thread, the sleep
    /// ends with <see cref="OperationCanceledException"/> (and its timer is cancelled). Must be
    /// awaited inside a task.</para>
    /// <para>A <see cref="Task"/>, unlike <see cref="Sleep(double)"/>, so that the plain sleep
    /// keeps its allocation-free awaiter.</para>
    /// </remarks>
    public Task Sleep(double delay, CancellationToken cancellationToken)
    {
        var sleep = Sleep(delay);
        return WaitFor(sleep, null, cancellationToken);
    }

    /// <summary>Suspends the awaiting task for <paramref name="delay"/>, or until <paramref name="cancellationToken"/> fires: asyncio's <c>await asyncio.sleep(delay)</c> with a .NET token.</summary>
    /// <remarks>asyncio: <c>asyncio.sleep(delay)</c>; see <see cref="Sleep(double, CancellationToken)"/>.</remarks>
    public Task Sleep(TimeSpan delay, CancellationToken cancellationToken) => Sleep(delay.TotalSeconds, cancellationToken);

    /// <summary>Suspends for <paramref name="delay"/> seconds, then returns <paramref name="result"/>: asyncio's <c>asyncio.sleep(delay, result)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.sleep(delay, result)</c>. When <paramref name="cancellationToken"/> fires, from any thread, it ends with <see cref="OperationCanceledException"/>.</remarks>
    public async Task<T> Sleep<T>(double delay, T result, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.CanBeCanceled)
            await Sleep(delay, cancellationToken);
        else
            await Sleep(delay);
        return result;
    }

    /// <summary>Suspends for <paramref name="delay"/>, then returns <paramref name="result"/>: asyncio's <c>asyncio.sleep(delay, result)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.sleep(delay, result)</c>; see <see cref="Sleep{T}(double, T, CancellationToken)"/>.</remarks>
    public Task<T> Sleep<T>(TimeSpan delay, T result, CancellationToken cancellationToken = default) =>
        Sleep(delay.TotalSeconds, result, cancellationToken);

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

    // ---- Gather ------------------------------------------------------------------------------

    /// <summary>A Future of the results of <paramref name="futures"/>, in argument order: asyncio's <c>asyncio.gather(*fs)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.gather(*aws)</c>.</para>
    /// <para>The first child to fail makes awaiting it throw that exception while the other
    /// children keep running; a cancelled child makes it throw <see cref="CancelledError"/>.
    /// Cancelling it cancels every child. When all children are done already, it is done at
    /// once (3.12).</para>
    /// </remarks>
    public Future<T[]> Gather<T>(params IFuture<T>[] futures)
    {
        ArgumentNullException.ThrowIfNull(futures);
        var plain = new Future[futures.Length];
        for (int i = 0; i < futures.Length; i++)
        {
            if (futures[i] is null)
                ThrowHelper.NullElement(nameof(futures));
            plain[i] = futures[i].AsFuture();
        }
        return GatherCore(plain, returnExceptions: false, static f => ((IFuture<T>)f).Result());
    }

    /// <summary>Runs each coroutine as a task and gathers their results, in argument order: asyncio's <c>asyncio.gather(coro(), ...)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.gather(*coros)</c>: each coroutine becomes a task, in argument order; see <see cref="Gather{T}(IFuture{T}[])"/>.</remarks>
    public Future<T[]> Gather<T>(params Func<Task<T>>[] coroutines)
    {
        ArgumentNullException.ThrowIfNull(coroutines);
        var tasks = new Future[coroutines.Length];
        for (int i = 0; i < coroutines.Length; i++)
            tasks[i] = GatherChild(CreateTask(coroutines[i]));
        return GatherCore(tasks, returnExceptions: false, static f => ((IFuture<T>)f).Result(), allDistinct: true);
    }

    /// <summary>Runs each coroutine as a task and waits for all of them: asyncio's <c>asyncio.gather(coro(), ...)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.gather(*coros)</c>; the results are <see langword="null"/>, as Python's <c>None</c>.</remarks>
    public Future<object?[]> Gather(params Func<Task>[] coroutines)
    {
        ArgumentNullException.ThrowIfNull(coroutines);
        var tasks = new Future[coroutines.Length];
        for (int i = 0; i < coroutines.Length; i++)
            tasks[i] = GatherChild(CreateTask(coroutines[i]));
        return GatherCore(tasks, returnExceptions: false, static f => f.Result(), allDistinct: true);
    }

    /// <summary>Runs each coroutine as a task and gathers their results, in argument order: asyncio's <c>asyncio.gather(coro(), ...)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.gather(*coros)</c>: each coroutine becomes a task, in argument order; see <see cref="Gather{T}(IFuture{T}[])"/>.</remarks>
    /// <exception cref="InvalidOperationException">A coroutine is a default value.</exception>
    public Future<T[]> Gather<T>(params Coroutine<T>[] coroutines)
    {
        ArgumentNullException.ThrowIfNull(coroutines);
        var tasks = GatherChildren(coroutines, static c => c.Core, static (loop, c) => loop.CreateTask(c), out bool distinct);
        return GatherCore(tasks, returnExceptions: false, static f => ((IFuture<T>)f).Result(), allDistinct: distinct);
    }

    /// <summary>Runs each coroutine as a task and waits for all of them: asyncio's <c>asyncio.gather(coro(), ...)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.gather(*coros)</c>; the results are <see langword="null"/>, as Python's <c>None</c>.</remarks>
    /// <exception cref="InvalidOperationException">A coroutine is a default value.</exception>
    public Future<object?[]> Gather(params Coroutine[] coroutines)
    {
        ArgumentNullException.ThrowIfNull(coroutines);
        var tasks = GatherChildren(coroutines, static c => c.Core, static (loop, c) => loop.CreateTask(c), out bool distinct);
        return GatherCore(tasks, returnExceptions: false, static f => f.Result(), allDistinct: distinct);
    }

    /// <summary>A task for each coroutine object, in argument order; one given twice is one task, in both places (asyncio's <c>arg_to_fut</c>).</summary>
    /// <remarks>
    /// Only a coroutine already taken by a task is looked for among the earlier arguments, so the
    /// common case (every one new) costs one flag test per child and no set.
    /// </remarks>
    private Future[] GatherChildren<TCoroutine>(TCoroutine[] coroutines, Func<TCoroutine, CoroutineCore> coreOf,
        Func<EventLoop, TCoroutine, LoopTask> create, out bool distinct)
    {
        var tasks = new Future[coroutines.Length];
        distinct = true;
        for (int i = 0; i < coroutines.Length; i++)
        {
            var core = coreOf(coroutines[i]);
            if (core.TakenByTask)
            {
                int first = Array.FindIndex(coroutines, 0, i, c => ReferenceEquals(coreOf(c), core));
                if (first >= 0)
                {
                    tasks[i] = tasks[first];
                    distinct = false;
                    continue;
                }
            }
            tasks[i] = GatherChild(create(this, coroutines[i]));
        }
        return tasks;
    }

    /// <summary>Gathers any Futures and tasks; with <paramref name="returnExceptions"/>, exceptions take the place of results: asyncio's <c>gather(*fs, return_exceptions=...)</c>.</summary>
    /// <remarks>
    /// asyncio: <c>asyncio.gather(*aws, return_exceptions=False)</c>. With
    /// <paramref name="returnExceptions"/>, a failed child's exception, or a
    /// <see cref="CancelledError"/> for a cancelled child, stands in the list.
    /// </remarks>
    public Future<object?[]> Gather(IEnumerable<Future> futures, bool returnExceptions = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(futures);
        var outer = GatherCore(futures.ToArray(), returnExceptions, static f => f.Result());
        CancelOn(outer, cancellationToken);
        return outer;
    }

    /// <summary>Gathers any awaitables (.NET Tasks, ValueTasks, sleeps, Futures, tasks, coroutines), results boxed, in argument order: asyncio's <c>asyncio.gather(*aws)</c>.</summary>
    /// <remarks>
    /// asyncio: <c>asyncio.gather(*aws)</c>: each is made a Future first, as
    /// <see cref="EnsureFuture(Awaitable, CancellationToken)"/> does; a Future of another loop is
    /// refused before any task is made. See <see cref="Gather{T}(IFuture{T}[])"/>.
    /// </remarks>
    [OverloadResolutionPriority(-1)] // a list of Futures or tasks keeps its typed or Future overload
    public Future<object?[]> Gather(params Awaitable[] awaitables)
    {
        ArgumentNullException.ThrowIfNull(awaitables);
        CheckClosed();
        CheckThread(nameof(Gather));
        foreach (var awaitable in awaitables)
        {
            if (awaitable.AsLoopFuture is { } future && future.Loop != this)
                ThrowHelper.OtherLoop(nameof(awaitables));
        }
        var children = new Future[awaitables.Length];
        for (int i = 0; i < awaitables.Length; i++)
        {
            // asyncio's arg_to_fut: a coroutine object given twice is one child (a Future given
            // twice is already one object: GatherCore counts it once).
            if (awaitables[i].Source is CoroutineCore { TakenByTask: true } core)
            {
                int first = Array.FindIndex(awaitables, 0, i, a => ReferenceEquals(a.Source, core));
                if (first >= 0)
                {
                    children[i] = children[first];
                    continue;
                }
            }
            children[i] = awaitables[i].ToFuture(this);
            if (awaitables[i].AsLoopFuture is null && children[i] is LoopTask task)
                _ = GatherChild(task);
        }
        return GatherCore(children, returnExceptions: false, static f => f.Result());
    }

    /// <summary>Runs each coroutine as a task and gathers them; with <paramref name="returnExceptions"/>, exceptions take the place of results.</summary>
    /// <remarks>asyncio: <c>asyncio.gather(*coros, return_exceptions=...)</c>.</remarks>
    public Future<object?[]> Gather(IEnumerable<Func<Task>> coroutines, bool returnExceptions)
    {
        ArgumentNullException.ThrowIfNull(coroutines);
        var tasks = new List<Future>();
        foreach (var coroutine in coroutines)
            tasks.Add(GatherChild(CreateTask(coroutine)));
        return GatherCore(tasks.ToArray(), returnExceptions, static f => f.Result(), allDistinct: true);
    }

    // asyncio: a task that gather made of a coroutine is not reported when left pending.
    private static LoopTask GatherChild(LoopTask task)
    {
        task.LogDestroyPending = false;
        return task;
    }

    /// <summary>What gather, wait and as_completed check of each future before touching any: present, and of this loop.</summary>
    private void CheckOwnFuture(Future? future, string paramName)
    {
        if (future is null)
            ThrowHelper.NullElement(paramName);
        if (future.Loop != this)
            ThrowHelper.OtherLoop(paramName);
    }

    private Future<T[]> GatherCore<T>(Future[] children, bool returnExceptions, Func<Future, T> resultOf, bool allDistinct = false)
    {
        CheckClosed();
        CheckThread(nameof(Gather));
        if (children.Length == 0)
        {
            var empty = new Future<T[]>(this);
            empty.SetResult([]);
            return empty;
        }
        // asyncio's arg_to_fut: the same Future given twice counts once but appears twice.
        // Tasks gather made itself are distinct: no set needed (a set costs ~30 B per child).
        IReadOnlyCollection<Future> unique;
        if (allDistinct)
        {
            unique = children;
        }
        else
        {
            var set = new HashSet<Future>(ReferenceEqualityComparer.Instance);
            foreach (var child in children)
            {
                CheckOwnFuture(child, "futures");
                set.Add(child);
            }
            unique = set;
        }
        var outer = new GatheringFuture<T>(this, children, unique.Count, returnExceptions, resultOf);
        List<Future>? alreadyDone = null;
        foreach (var child in unique)
        {
            if (child.Done)
                (alreadyDone ??= []).Add(child);
            else
                child.AddListener(outer);
        }
        if (alreadyDone is not null)
        {
            foreach (var child in alreadyDone)
                outer.OnFutureDone(child);
        }
        return outer;
    }

    // ---- Wait ------------------------------------------------------------------------------

    /// <summary>Waits until <paramref name="returnWhen"/> holds or <paramref name="timeout"/> passes; returns the done and pending sets: asyncio's <c>asyncio.wait(fs, timeout=, return_when=)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.wait(aws, timeout=None, return_when=ALL_COMPLETED)</c>.</para>
    /// <para>Cancels nothing, on timeout either. The sets keep the order of
    /// <paramref name="futures"/>. Refused at the call, before anything is waited on, as
    /// <see cref="Gather(IEnumerable{Future}, bool, CancellationToken)"/> refuses: a null element
    /// (<see cref="ArgumentNullException"/>), a Future of another loop
    /// (<see cref="ArgumentException"/>, asyncio's message), an empty set
    /// (<see cref="ArgumentException"/> "Set of Tasks/Futures is empty.", asyncio's ValueError), a
    /// call from another thread while the loop runs.</para>
    /// <para>When <paramref name="cancellationToken"/> fires, from any thread, the wait ends with
    /// <see cref="OperationCanceledException"/>; the futures are left as they are. A token that
    /// can be cancelled needs the wait to run inside a task.</para>
    /// </remarks>
    public Task<(HashSet<T> Done, HashSet<T> Pending)> Wait<T>(
        IEnumerable<T> futures, double? timeout = null, ReturnWhen returnWhen = ReturnWhen.AllCompleted,
        CancellationToken cancellationToken = default)
        where T : Future
    {
        ArgumentNullException.ThrowIfNull(futures);
        if (timeout is double t && double.IsNaN(t))
            ThrowHelper.NaN(nameof(timeout));
        CheckThread(nameof(Wait));
        var set = new HashSet<T>(ReferenceEqualityComparer.Instance);
        foreach (var future in futures)
        {
            CheckOwnFuture(future, nameof(futures));
            set.Add(future);
        }
        if (set.Count == 0)
            throw new ArgumentException("Set of Tasks/Futures is empty."); // no parameter name: .NET would append it to asyncio's message
        if (returnWhen is not (ReturnWhen.AllCompleted or ReturnWhen.FirstCompleted or ReturnWhen.FirstException))
            throw new ArgumentOutOfRangeException(nameof(returnWhen), returnWhen, $"Invalid return_when value: {returnWhen}");
        if (!cancellationToken.CanBeCanceled)
            return WaitCore(set, timeout, returnWhen);
        return RunInTimeout(null, static (_, s) => s.Loop.WaitCore(s.Set, s.Timeout, s.ReturnWhen),
            (Loop: this, Set: set, Timeout: timeout, ReturnWhen: returnWhen), cancellationToken);
    }

    /// <summary>Waits until <paramref name="returnWhen"/> holds or <paramref name="timeout"/> passes: asyncio's <c>asyncio.wait(fs, timeout=, return_when=)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait(aws, timeout, return_when)</c>; see <see cref="Wait{T}(IEnumerable{T}, double?, ReturnWhen, CancellationToken)"/>. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits forever.</remarks>
    public Task<(HashSet<T> Done, HashSet<T> Pending)> Wait<T>(
        IEnumerable<T> futures, TimeSpan timeout, ReturnWhen returnWhen = ReturnWhen.AllCompleted,
        CancellationToken cancellationToken = default)
        where T : Future =>
        Wait(futures, Seconds(timeout), returnWhen, cancellationToken);

    private async Task<(HashSet<T> Done, HashSet<T> Pending)> WaitCore<T>(HashSet<T> set, double? timeout, ReturnWhen returnWhen)
        where T : Future
    {
        var waiter = CreateFuture<object?>();
        var listener = new WaitListener(waiter, set.Count, returnWhen);
        if (timeout is double seconds)
            listener.TimeoutHandle = CallLater(seconds, static w => ReleaseWaiter((Future<object?>)w!), waiter);
        foreach (var f in set)
            f.AddListener(listener);
        try
        {
            await waiter;
        }
        finally
        {
            listener.TimeoutHandle?.Cancel();
            foreach (var f in set)
                f.RemoveListener(listener);
        }
        var done = new HashSet<T>(ReferenceEqualityComparer.Instance);
        var pending = new HashSet<T>(ReferenceEqualityComparer.Instance);
        foreach (var f in set)
            (f.Done ? done : pending).Add(f);
        return (done, pending);
    }

    private static void ReleaseWaiter(Future<object?> waiter)
    {
        if (!waiter.Done)
            waiter.SetResult(null);
    }

    /// <summary>asyncio's <c>_on_completion</c> in <c>_wait</c>.</summary>
    private sealed class WaitListener(Future<object?> waiter, int count, ReturnWhen returnWhen) : IFutureListener
    {
        public string CallbackName => "_wait.<locals>._on_completion";

        private int _remaining = count;

        public TimerHandle? TimeoutHandle { get; set; }

        public void OnFutureDone(Future future)
        {
            _remaining--;
            if (_remaining <= 0
                || returnWhen == ReturnWhen.FirstCompleted
                || (returnWhen == ReturnWhen.FirstException && !future.Cancelled && future.Exception() is not null))
            {
                TimeoutHandle?.Cancel();
                ReleaseWaiter(waiter);
            }
        }
    }

    // ---- WaitFor --------------------------------------------------------------------------
    // One core per shape: an awaitable (awaited inline), or a function that makes one (called
    // inside the deadline, as Python's wait_for(coro(), t) starts the coroutine inside timeout()).
    // The others are the C# forms of "any awaitable", each one line: Awaitable<T> is the one
    // conversion point, and the Task<T>/ValueTask<T>/IFuture<T>/Coroutine<T> overloads exist only
    // because C# infers T through none of Awaitable<T>'s implicit conversions.

    /// <summary>Awaits <paramref name="awaitable"/> in the awaiting task with a deadline: asyncio's <c>await asyncio.wait_for(aw, timeout)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.wait_for(aw, timeout)</c> as of 3.12: it is awaited inline under
    /// a <see cref="Timeout{T}(double?, Func{Task{T}}, CancellationToken)"/>, with no task of its
    /// own. When the timeout passes, the awaiting task is cancelled at that await (a Future or
    /// a wait on a queue, lock or event is cancelled with it, so nothing is lost), and once it has
    /// ended, <see cref="TimeoutException"/> is thrown. A <paramref name="timeout"/> of
    /// <see langword="null"/> waits forever; zero or less makes it a Future (see
    /// <see cref="EnsureFuture(Awaitable, CancellationToken)"/>) and cancels it unless it is
    /// done at once.</para>
    /// <para>When <paramref name="cancellationToken"/> fires, from any thread, the wait ends the
    /// same way with <see cref="OperationCanceledException"/> instead.</para>
    /// <para>Differs from 3.11, which always made a task.</para>
    /// </remarks>
    [OverloadResolutionPriority(-1)] // a Future or task argument keeps its own overload (no conversion to Awaitable is "better" than one to IFuture<T>)
    public Task<T> WaitFor<T>(Awaitable<T> awaitable, double? timeout, CancellationToken cancellationToken = default) =>
        WaitForCore(awaitable, static (_, a) => a.AwaitAsync(), static (loop, a) => a.ToFuture(loop), timeout, cancellationToken);

    /// <summary>Awaits <paramref name="awaitable"/> with a deadline <paramref name="timeout"/> away: asyncio's <c>await asyncio.wait_for(aw, timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(aw, timeout)</c>; see <see cref="WaitFor{T}(Awaitable{T}, double?, CancellationToken)"/>. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits forever.</remarks>
    [OverloadResolutionPriority(-1)] // a Future or task argument keeps its own overload (no conversion to Awaitable is "better" than one to IFuture<T>)
    public Task<T> WaitFor<T>(Awaitable<T> awaitable, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitFor(awaitable, Seconds(timeout), cancellationToken);

    /// <summary>Awaits the .NET Task <paramref name="task"/> with a deadline: asyncio's <c>await asyncio.wait_for(aw, timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(aw, timeout)</c>; see <see cref="WaitFor{T}(Awaitable{T}, double?, CancellationToken)"/>. A .NET Task cannot be cancelled from outside: on timeout the wait ends, the Task runs on.</remarks>
    public Task<T> WaitFor<T>(Task<T> task, double? timeout, CancellationToken cancellationToken = default) =>
        WaitFor((Awaitable<T>)task, timeout, cancellationToken);

    /// <summary>Awaits the .NET Task <paramref name="task"/> with a deadline <paramref name="timeout"/> away: asyncio's <c>await asyncio.wait_for(aw, timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(aw, timeout)</c>; see <see cref="WaitFor{T}(Awaitable{T}, double?, CancellationToken)"/>.</remarks>
    public Task<T> WaitFor<T>(Task<T> task, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitFor((Awaitable<T>)task, Seconds(timeout), cancellationToken);

    /// <summary>Awaits <paramref name="valueTask"/> (a queue's <c>GetAsync()</c>, say) with a deadline: asyncio's <c>await asyncio.wait_for(queue.get(), timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(aw, timeout)</c>; see <see cref="WaitFor{T}(Awaitable{T}, double?, CancellationToken)"/>. A wait of the loop's primitives is cancelled on timeout: no item is lost.</remarks>
    public Task<T> WaitFor<T>(ValueTask<T> valueTask, double? timeout, CancellationToken cancellationToken = default) =>
        WaitFor((Awaitable<T>)valueTask, timeout, cancellationToken);

    /// <summary>Awaits <paramref name="valueTask"/> with a deadline <paramref name="timeout"/> away: asyncio's <c>await asyncio.wait_for(queue.get(), timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(aw, timeout)</c>; see <see cref="WaitFor{T}(Awaitable{T}, double?, CancellationToken)"/>.</remarks>
    public Task<T> WaitFor<T>(ValueTask<T> valueTask, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitFor((Awaitable<T>)valueTask, Seconds(timeout), cancellationToken);

    /// <summary>Waits for <paramref name="future"/> (a Future or a task) with a deadline, cancelling it on timeout: asyncio's <c>await asyncio.wait_for(fut, timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(fut, timeout)</c>; cancelling the waiting task cancels <paramref name="future"/> too.</remarks>
    public Task<T> WaitFor<T>(IFuture<T> future, double? timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(future);
        return WaitForCore(future, static async (_, f) => { await f.AsFuture(); return f.Result(); }, static (loop, f) => loop.OwnFuture(f), timeout, cancellationToken);
    }

    /// <summary>Waits for <paramref name="future"/> with a deadline <paramref name="timeout"/> away, cancelling it on timeout: asyncio's <c>await asyncio.wait_for(fut, timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(fut, timeout)</c>; see <see cref="WaitFor{T}(IFuture{T}, double?, CancellationToken)"/>.</remarks>
    public Task<T> WaitFor<T>(IFuture<T> future, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitFor(future, Seconds(timeout), cancellationToken);

    /// <summary>Runs the coroutine <paramref name="coroutine"/> in the awaiting task with a deadline: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(coro, timeout)</c>; see <see cref="WaitFor{T}(Awaitable{T}, double?, CancellationToken)"/>.</remarks>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public Task<T> WaitFor<T>(Coroutine<T> coroutine, double? timeout, CancellationToken cancellationToken = default) =>
        WaitFor((Awaitable<T>)coroutine, timeout, cancellationToken);

    /// <summary>Runs the coroutine <paramref name="coroutine"/> with a deadline <paramref name="timeout"/> away: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(coro, timeout)</c>; see <see cref="WaitFor{T}(Awaitable{T}, double?, CancellationToken)"/>.</remarks>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public Task<T> WaitFor<T>(Coroutine<T> coroutine, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitFor((Awaitable<T>)coroutine, Seconds(timeout), cancellationToken);

    /// <summary>Runs <paramref name="coroutine"/> in the awaiting task with a deadline: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(coro, timeout)</c>: the function is called inside the deadline; see <see cref="WaitFor{T}(Awaitable{T}, double?, CancellationToken)"/>.</remarks>
    public Task<T> WaitFor<T>(Func<Task<T>> coroutine, double? timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        return WaitForCore(coroutine, static (_, c) => c(), static (loop, c) => loop.CreateTask(c), timeout, cancellationToken);
    }

    /// <summary>Runs <paramref name="coroutine"/> with a deadline <paramref name="timeout"/> away: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(coro, timeout)</c>; see <see cref="WaitFor{T}(Func{Task{T}}, double?, CancellationToken)"/>.</remarks>
    public Task<T> WaitFor<T>(Func<Task<T>> coroutine, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitFor(coroutine, Seconds(timeout), cancellationToken);

    /// <summary>Calls <paramref name="function"/> (<c>() =&gt; queue.GetAsync()</c>) in the awaiting task with a deadline and awaits what it returns: asyncio's <c>await asyncio.wait_for(queue.get(), timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(coro, timeout)</c>; see <see cref="WaitFor{T}(Func{Task{T}}, double?, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // an async lambda converts to Func<ValueTask<T>> too: Func<Task<T>> wins then
    public Task<T> WaitFor<T>(Func<ValueTask<T>> function, double? timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return WaitForCore(function, static async (_, f) => await f(), static (loop, f) => loop.CreateTask(f), timeout, cancellationToken);
    }

    /// <summary>Calls <paramref name="function"/> with a deadline <paramref name="timeout"/> away and awaits what it returns: asyncio's <c>await asyncio.wait_for(queue.get(), timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(coro, timeout)</c>; see <see cref="WaitFor{T}(Func{ValueTask{T}}, double?, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // an async lambda converts to Func<ValueTask<T>> too: Func<Task<T>> wins then
    public Task<T> WaitFor<T>(Func<ValueTask<T>> function, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitFor(function, Seconds(timeout), cancellationToken);

    /// <summary>Awaits <paramref name="awaitable"/> (a Task, ValueTask, sleep, Future, task or coroutine) in the awaiting task with a deadline: asyncio's <c>await asyncio.wait_for(aw, timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(aw, timeout)</c>; see <see cref="WaitFor{T}(Awaitable{T}, double?, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // a Future or task argument keeps its own overload (no conversion to Awaitable is "better" than one to IFuture<T>)
    public Task WaitFor(Awaitable awaitable, double? timeout, CancellationToken cancellationToken = default) =>
        WaitForCore(awaitable, static (_, a) => a.AwaitAsync(), static (loop, a) => a.ToFuture(loop).AsTyped(), timeout, cancellationToken);

    /// <summary>Awaits <paramref name="awaitable"/> with a deadline <paramref name="timeout"/> away: asyncio's <c>await asyncio.wait_for(aw, timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(aw, timeout)</c>; see <see cref="WaitFor{T}(Awaitable{T}, double?, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // a Future or task argument keeps its own overload (no conversion to Awaitable is "better" than one to IFuture<T>)
    public Task WaitFor(Awaitable awaitable, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitFor(awaitable, Seconds(timeout), cancellationToken);

    /// <summary>Runs <paramref name="coroutine"/> in the awaiting task with a deadline: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(coro, timeout)</c>; see <see cref="WaitFor{T}(Func{Task{T}}, double?, CancellationToken)"/>.</remarks>
    public Task WaitFor(Func<Task> coroutine, double? timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        return WaitForCore(coroutine, static async (_, c) => { await c(); return (object?)null; },
            static (loop, c) => (IFuture<object?>)loop.CreateTask(c).AsTyped(), timeout, cancellationToken);
    }

    /// <summary>Runs <paramref name="coroutine"/> with a deadline <paramref name="timeout"/> away: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(coro, timeout)</c>; see <see cref="WaitFor{T}(Func{Task{T}}, double?, CancellationToken)"/>.</remarks>
    public Task WaitFor(Func<Task> coroutine, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitFor(coroutine, Seconds(timeout), cancellationToken);

    /// <summary>Calls <paramref name="function"/> (<c>() =&gt; loop.Sleep(1)</c>, <c>() =&gt; queue.JoinAsync()</c>) in the awaiting task with a deadline and awaits what it returns: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(coro, timeout)</c>; see <see cref="WaitFor{T}(Func{Task{T}}, double?, CancellationToken)"/>.</remarks>
    public Task WaitFor(Func<Awaitable> function, double? timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return WaitForCore(function, static (_, f) => f().AwaitAsync(), static (loop, f) => loop.CreateTask(f).AsTyped(), timeout, cancellationToken);
    }

    /// <summary>Calls <paramref name="function"/> with a deadline <paramref name="timeout"/> away and awaits what it returns: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wait_for(coro, timeout)</c>; see <see cref="WaitFor(Func{Awaitable}, double?, CancellationToken)"/>.</remarks>
    public Task WaitFor(Func<Awaitable> function, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitFor(function, Seconds(timeout), cancellationToken);

    /// <summary>A duration as asyncio's seconds; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> is no deadline, as .NET means it.</summary>
    private static double? Seconds(TimeSpan duration) =>
        duration == System.Threading.Timeout.InfiniteTimeSpan ? null : duration.TotalSeconds;

    /// <summary><paramref name="future"/> itself, once checked to be of this loop.</summary>
    private IFuture<T> OwnFuture<T>(IFuture<T> future)
    {
        if (future.AsFuture().Loop != this)
            ThrowHelper.OtherLoop(nameof(future));
        return future;
    }

    // The body and the future maker are static lambdas over one state argument, and a wait with
    // a deadline goes straight to the timeout scope: no closure and no extra async frame per call.
    private Task<T> WaitForCore<T, TState>(TState state, Func<TimeoutScope, TState, Task<T>> body,
        Func<EventLoop, TState, IFuture<T>> ensureFuture, double? timeout, CancellationToken cancellationToken)
    {
        if (timeout is double seconds)
        {
            if (double.IsNaN(seconds))
                return Task.FromException<T>(ThrowHelper.NaNError(nameof(timeout)));
            if (seconds <= 0 && !cancellationToken.IsCancellationRequested)
                return WaitForNow(ensureFuture, state);
        }
        // A token cancelled already: RunInTimeout throws its OperationCanceledException before the body runs.
        return RunInTimeout(timeout is double d ? Time() + d : null, body, state, cancellationToken);
    }

    /// <summary>wait_for with a timeout of zero or less: done now, or cancelled and then <see cref="TimeoutException"/>.</summary>
    /// <remarks>Makes the future inside the async method, so that an error doing so (a closed loop) faults the returned Task, as awaiting asyncio's coroutine raises it.</remarks>
    private async Task<T> WaitForNow<T, TState>(Func<EventLoop, TState, IFuture<T>> ensureFuture, TState state)
    {
        var future = ensureFuture(this, state);
        var plain = future.AsFuture();
        if (plain.Done)
            return future.Result();
        await CancelAndWait(plain);
        try
        {
            return future.Result();
        }
        catch (CancelledError cancelled)
        {
            throw ThrowHelper.TimeoutError(cancelled);
        }
    }

    /// <summary>asyncio's <c>_cancel_and_wait</c>: cancel and wait on a separate waiter, so that this wait stays cancellable.</summary>
    private async Task CancelAndWait(Future future)
    {
        var waiter = CreateFuture<object?>();
        var release = new ReleaseOnDone(waiter);
        future.AddListener(release);
        try
        {
            future.Cancel();
            await waiter;
        }
        finally
        {
            future.RemoveListener(release);
        }
    }

    private sealed class ReleaseOnDone(Future<object?> waiter) : IFutureListener
    {
        public void OnFutureDone(Future future) => ReleaseWaiter(waiter);

        public string CallbackName => "_release_waiter";
    }

    // ---- Timeout scopes ----------------------------------------------------------------------

    /// <summary>Runs <paramref name="body"/> with a deadline <paramref name="delay"/> seconds away: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>async with asyncio.timeout(delay) as cm:</c>; the body gets <c>cm</c>.</para>
    /// <para>At the deadline the current task is cancelled; the scope turns that cancellation
    /// into <see cref="TimeoutException"/>. <see langword="null"/> means no deadline. Must run
    /// inside a task ("Timeout should be used inside a task").</para>
    /// <para>When <paramref name="cancellationToken"/> fires, from any thread, the body is
    /// cancelled the same way and the call ends with <see cref="OperationCanceledException"/>.</para>
    /// </remarks>
    public Task Timeout(double? delay, Func<TimeoutScope, Task> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(Deadline(delay), static async (scope, b) => { await b(scope); return (object?)null; }, body, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/> with a deadline <paramref name="delay"/> away: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>asyncio: <c>async with asyncio.timeout(delay)</c>; see <see cref="Timeout(double?, Func{TimeoutScope, Task}, CancellationToken)"/>. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> means no deadline.</remarks>
    public Task Timeout(TimeSpan delay, Func<TimeoutScope, Task> body, CancellationToken cancellationToken = default) =>
        Timeout(Seconds(delay), body, cancellationToken);

    /// <summary>Runs <paramref name="body"/> with a deadline <paramref name="delay"/> seconds away: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>asyncio: <c>async with asyncio.timeout(delay)</c>; see <see cref="Timeout(double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public Task Timeout(double? delay, Func<Task> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(Deadline(delay), static async (_, b) => { await b(); return (object?)null; }, body, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/> with a deadline <paramref name="delay"/> away: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>asyncio: <c>async with asyncio.timeout(delay)</c>; see <see cref="Timeout(double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public Task Timeout(TimeSpan delay, Func<Task> body, CancellationToken cancellationToken = default) =>
        Timeout(Seconds(delay), body, cancellationToken);

    /// <summary>Awaits what <paramref name="body"/> returns (<c>() =&gt; loop.Sleep(5)</c>, a ValueTask, a Future) with a deadline <paramref name="delay"/> seconds away: asyncio's <c>async with asyncio.timeout(delay): await aw</c>.</summary>
    /// <remarks>asyncio: <c>async with asyncio.timeout(delay)</c>; see <see cref="Timeout(double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public Task Timeout(double? delay, Func<Awaitable> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(Deadline(delay), static (_, b) => b().AwaitAsync(), body, cancellationToken);
    }

    /// <summary>Awaits what <paramref name="body"/> returns with a deadline <paramref name="delay"/> away: asyncio's <c>async with asyncio.timeout(delay): await aw</c>.</summary>
    /// <remarks>asyncio: <c>async with asyncio.timeout(delay)</c>; see <see cref="Timeout(double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public Task Timeout(TimeSpan delay, Func<Awaitable> body, CancellationToken cancellationToken = default) =>
        Timeout(Seconds(delay), body, cancellationToken);

    /// <summary>Runs <paramref name="body"/> with a deadline and returns its result: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>asyncio: <c>async with asyncio.timeout(delay)</c>; see <see cref="Timeout(double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public Task<T> Timeout<T>(double? delay, Func<TimeoutScope, Task<T>> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(Deadline(delay), static (scope, b) => b(scope), body, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/> with a deadline <paramref name="delay"/> away and returns its result: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>asyncio: <c>async with asyncio.timeout(delay)</c>; see <see cref="Timeout(double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public Task<T> Timeout<T>(TimeSpan delay, Func<TimeoutScope, Task<T>> body, CancellationToken cancellationToken = default) =>
        Timeout(Seconds(delay), body, cancellationToken);

    /// <summary>Runs <paramref name="body"/> with a deadline and returns its result: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>asyncio: <c>async with asyncio.timeout(delay)</c>; see <see cref="Timeout(double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public Task<T> Timeout<T>(double? delay, Func<Task<T>> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(Deadline(delay), static (_, b) => b(), body, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/> with a deadline <paramref name="delay"/> away and returns its result: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>asyncio: <c>async with asyncio.timeout(delay)</c>; see <see cref="Timeout(double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public Task<T> Timeout<T>(TimeSpan delay, Func<Task<T>> body, CancellationToken cancellationToken = default) =>
        Timeout(Seconds(delay), body, cancellationToken);

    /// <summary>Awaits what <paramref name="body"/> returns (<c>() =&gt; queue.GetAsync()</c>) with a deadline and returns its result: asyncio's <c>async with asyncio.timeout(delay): return await aw</c>.</summary>
    /// <remarks>asyncio: <c>async with asyncio.timeout(delay)</c>; see <see cref="Timeout(double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // an async lambda converts to Func<ValueTask<T>> too: Func<Task<T>> wins then
    public Task<T> Timeout<T>(double? delay, Func<ValueTask<T>> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(Deadline(delay), static async (_, b) => await b(), body, cancellationToken);
    }

    /// <summary>Awaits what <paramref name="body"/> returns with a deadline <paramref name="delay"/> away and returns its result: asyncio's <c>async with asyncio.timeout(delay): return await aw</c>.</summary>
    /// <remarks>asyncio: <c>async with asyncio.timeout(delay)</c>; see <see cref="Timeout(double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // an async lambda converts to Func<ValueTask<T>> too: Func<Task<T>> wins then
    public Task<T> Timeout<T>(TimeSpan delay, Func<ValueTask<T>> body, CancellationToken cancellationToken = default) =>
        Timeout(Seconds(delay), body, cancellationToken);

    /// <summary>Runs <paramref name="body"/> with a deadline at loop time <paramref name="when"/>: asyncio's <c>async with asyncio.timeout_at(when)</c>.</summary>
    /// <remarks>asyncio: <c>async with asyncio.timeout_at(when) as cm:</c>; see <see cref="Timeout(double?, Func{TimeoutScope, Task}, CancellationToken)"/>. Loop time stays seconds, as <see cref="Time"/>.</remarks>
    public Task TimeoutAt(double? when, Func<TimeoutScope, Task> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(when, static async (scope, b) => { await b(scope); return (object?)null; }, body, cancellationToken);
    }

    /// <summary>Awaits what <paramref name="body"/> returns with a deadline at loop time <paramref name="when"/>: asyncio's <c>async with asyncio.timeout_at(when): await aw</c>.</summary>
    /// <remarks>asyncio: <c>async with asyncio.timeout_at(when)</c>; see <see cref="Timeout(double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public Task TimeoutAt(double? when, Func<Awaitable> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(when, static (_, b) => b().AwaitAsync(), body, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/> with a deadline at loop time <paramref name="when"/> and returns its result: asyncio's <c>async with asyncio.timeout_at(when)</c>.</summary>
    /// <remarks>asyncio: <c>async with asyncio.timeout_at(when) as cm:</c>.</remarks>
    public Task<T> TimeoutAt<T>(double? when, Func<TimeoutScope, Task<T>> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(when, static (scope, b) => b(scope), body, cancellationToken);
    }

    private double? Deadline(double? delay)
    {
        if (delay is double d && double.IsNaN(d))
            ThrowHelper.NaN(nameof(delay));
        return delay is double seconds ? Time() + seconds : null;
    }

    private async Task<T> RunInTimeout<T, TState>(double? when, Func<TimeoutScope, TState, Task<T>> body, TState state,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var scope = new TimeoutScope(this, when);
        scope.EnterCore();
        scope.CancelOn(cancellationToken);
        T result;
        try
        {
            result = await body(scope, state);
        }
        catch (Exception exception)
        {
            if (scope.ExitCore(exception))
            {
                if (scope.ExpiredByToken)
                    throw new OperationCanceledException("The operation was canceled.", exception, cancellationToken);
                throw ThrowHelper.TimeoutError(exception);
            }
            throw;
        }
        scope.ExitCore(null);
        return result;
    }
}
