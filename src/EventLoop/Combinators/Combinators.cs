using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>asyncio's combinators on the loop: <c>gather</c>, <c>wait</c>, <c>wait_for</c>, <c>shield</c> and <c>as_completed</c> (module <c>tasks</c>).</summary>
/// <remarks>Extension methods on <see cref="EventLoop"/>, so that a call reads <c>loop.Gather(...)</c>; like asyncio's functions they live outside the loop class and use only its entries (the internal ones: the thread and closed checks).</remarks>
public static partial class Combinators
{
    // ---- Gather ------------------------------------------------------------------------------

    /// <summary>A Future of the results of <paramref name="futures"/>, in argument order: asyncio's <c>asyncio.gather(*fs)</c>.</summary>
    /// <remarks>
    /// <para>The first child to fail makes awaiting it throw that exception while the other
    /// children keep running; a cancelled child makes it throw <see cref="CancelledError"/>.
    /// Cancelling it cancels every child. When all children are done already, it is done at
    /// once (3.12).</para>
    /// </remarks>
    public static Future<T[]> Gather<T>(this EventLoop loop, params IFuture<T>[] futures)
    {
        ArgumentNullException.ThrowIfNull(futures);
        var plain = new Future[futures.Length];
        for (int i = 0; i < futures.Length; i++)
        {
            if (futures[i] is null)
                ThrowHelper.NullElement(nameof(futures));
            plain[i] = futures[i].AsFuture();
        }
        return GatherCore(loop, plain, returnExceptions: false, static f => ((IFuture<T>)f).Result());
    }

    /// <summary>Runs each coroutine as a task and gathers their results, in argument order: asyncio's <c>asyncio.gather(coro(), ...)</c>.</summary>
    /// <remarks>Each coroutine becomes a task, in argument order; see <see cref="Gather{T}(EventLoop, IFuture{T}[])"/>.</remarks>
    public static Future<T[]> Gather<T>(this EventLoop loop, params Func<Task<T>>[] coroutines)
    {
        ArgumentNullException.ThrowIfNull(coroutines);
        var tasks = new Future[coroutines.Length];
        for (int i = 0; i < coroutines.Length; i++)
            tasks[i] = GatherChild(loop.CreateTask(coroutines[i]));
        return GatherCore(loop, tasks, returnExceptions: false, static f => ((IFuture<T>)f).Result(), allDistinct: true);
    }

    /// <summary>Runs each coroutine as a task and waits for all of them: asyncio's <c>asyncio.gather(coro(), ...)</c>.</summary>
    /// <remarks>The results are <see langword="null"/>, as Python's <c>None</c>.</remarks>
    public static Future<object?[]> Gather(this EventLoop loop, params Func<Task>[] coroutines)
    {
        ArgumentNullException.ThrowIfNull(coroutines);
        var tasks = new Future[coroutines.Length];
        for (int i = 0; i < coroutines.Length; i++)
            tasks[i] = GatherChild(loop.CreateTask(coroutines[i]));
        return GatherCore(loop, tasks, returnExceptions: false, static f => f.Result(), allDistinct: true);
    }

    /// <summary>Runs each coroutine as a task and gathers their results, in argument order: asyncio's <c>asyncio.gather(coro(), ...)</c>.</summary>
    /// <remarks>Each coroutine becomes a task, in argument order; see <see cref="Gather{T}(EventLoop, IFuture{T}[])"/>.</remarks>
    /// <exception cref="InvalidOperationException">A coroutine is a default value.</exception>
    public static Future<T[]> Gather<T>(this EventLoop loop, params Coroutine<T>[] coroutines)
    {
        ArgumentNullException.ThrowIfNull(coroutines);
        var tasks = GatherChildren(loop, coroutines, static c => c.Core, static (loop, c) => loop.CreateTask(c), out bool distinct);
        return GatherCore(loop, tasks, returnExceptions: false, static f => ((IFuture<T>)f).Result(), allDistinct: distinct);
    }

    /// <summary>Runs each coroutine as a task and waits for all of them: asyncio's <c>asyncio.gather(coro(), ...)</c>.</summary>
    /// <remarks>The results are <see langword="null"/>, as Python's <c>None</c>.</remarks>
    /// <exception cref="InvalidOperationException">A coroutine is a default value.</exception>
    public static Future<object?[]> Gather(this EventLoop loop, params Coroutine[] coroutines)
    {
        ArgumentNullException.ThrowIfNull(coroutines);
        var tasks = GatherChildren(loop, coroutines, static c => c.Core, static (loop, c) => loop.CreateTask(c), out bool distinct);
        return GatherCore(loop, tasks, returnExceptions: false, static f => f.Result(), allDistinct: distinct);
    }

    /// <summary>A task for each coroutine object, in argument order; one given twice is one task, in both places (asyncio's <c>arg_to_fut</c>).</summary>
    /// <remarks>
    /// Only a coroutine already taken by a task is looked for among the earlier arguments, so the
    /// common case (every one new) costs one flag test per child and no set.
    /// </remarks>
    private static Future[] GatherChildren<TCoroutine>(EventLoop loop, TCoroutine[] coroutines, Func<TCoroutine, CoroutineCore> coreOf,
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
            tasks[i] = GatherChild(create(loop, coroutines[i]));
        }
        return tasks;
    }

    /// <summary>Gathers any Futures and tasks; with <paramref name="returnExceptions"/>, exceptions take the place of results: asyncio's <c>gather(*fs, return_exceptions=...)</c>.</summary>
    /// <remarks>
    /// With
    /// <paramref name="returnExceptions"/>, a failed child's exception, or a
    /// <see cref="CancelledError"/> for a cancelled child, stands in the list.
    /// </remarks>
    public static Future<object?[]> Gather(this EventLoop loop, IEnumerable<Future> futures, bool returnExceptions = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(futures);
        var outer = GatherCore(loop, futures.ToArray(), returnExceptions, static f => f.Result());
        EventLoop.CancelOn(outer, cancellationToken);
        return outer;
    }

    /// <summary>Gathers any awaitables (.NET Tasks, ValueTasks, sleeps, Futures, tasks, coroutines), results boxed, in argument order: asyncio's <c>asyncio.gather(*aws)</c>.</summary>
    /// <remarks>
    /// asyncio: <c>asyncio.gather(*aws)</c>: each is made a Future first, as
    /// <see cref="EventLoop.EnsureFuture(Awaitable, CancellationToken)"/> does; a Future of another loop is
    /// refused before any task is made. See <see cref="Gather{T}(EventLoop, IFuture{T}[])"/>.
    /// </remarks>
    [OverloadResolutionPriority(-1)] // a list of Futures or tasks keeps its typed or Future overload
    public static Future<object?[]> Gather(this EventLoop loop, params Awaitable[] awaitables)
    {
        ArgumentNullException.ThrowIfNull(awaitables);
        loop.CheckClosed();
        loop.CheckThread(nameof(Gather));
        foreach (var awaitable in awaitables)
        {
            if (awaitable.AsLoopFuture is { } future && future.Loop != loop)
                ThrowHelper.OtherLoop();
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
            children[i] = awaitables[i].ToFuture(loop);
            if (awaitables[i].AsLoopFuture is null && children[i] is LoopTask task)
                _ = GatherChild(task);
        }
        return GatherCore(loop, children, returnExceptions: false, static f => f.Result());
    }

    /// <summary>Runs each coroutine as a task and gathers them; with <paramref name="returnExceptions"/>, exceptions take the place of results: asyncio's <c>asyncio.gather(*coros, return_exceptions=...)</c>.</summary>
    public static Future<object?[]> Gather(this EventLoop loop, IEnumerable<Func<Task>> coroutines, bool returnExceptions)
    {
        ArgumentNullException.ThrowIfNull(coroutines);
        var tasks = new List<Future>();
        foreach (var coroutine in coroutines)
            tasks.Add(GatherChild(loop.CreateTask(coroutine)));
        return GatherCore(loop, tasks.ToArray(), returnExceptions, static f => f.Result(), allDistinct: true);
    }

    // asyncio: a task that gather made of a coroutine is not reported when left pending.
    private static LoopTask GatherChild(LoopTask task)
    {
        task.LogDestroyPending = false;
        return task;
    }

    /// <summary>What gather, wait and as_completed check of each future before touching any: present, and of this loop.</summary>
    private static void CheckOwnFuture(EventLoop loop, Future? future, string paramName)
    {
        if (future is null)
            ThrowHelper.NullElement(paramName);
        if (future.Loop != loop)
            ThrowHelper.OtherLoop();
    }

    private static Future<T[]> GatherCore<T>(EventLoop loop, Future[] children, bool returnExceptions, Func<Future, T> resultOf, bool allDistinct = false)
    {
        loop.CheckClosed();
        loop.CheckThread(nameof(Gather));
        if (children.Length == 0)
        {
            var empty = new Future<T[]>(loop);
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
                CheckOwnFuture(loop, child, "futures");
                set.Add(child);
            }
            unique = set;
        }
        var outer = new GatheringFuture<T>(loop, children, unique.Count, returnExceptions, resultOf);
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
    /// <para>Cancels nothing, on timeout either. The sets keep the order of
    /// <paramref name="futures"/>. Refused at the call, before anything is waited on, as
    /// <see cref="Gather(EventLoop, IEnumerable{Future}, bool, CancellationToken)"/> refuses: a null element
    /// (<see cref="ArgumentNullException"/>), a Future of another loop
    /// (<see cref="ArgumentException"/>, asyncio's message), an empty set
    /// (<see cref="ArgumentException"/> "Set of Tasks/Futures is empty.", asyncio's ValueError), a
    /// call from another thread while the loop runs.</para>
    /// <para>When <paramref name="cancellationToken"/> fires, from any thread, the wait ends with
    /// <see cref="OperationCanceledException"/>; the futures are left as they are. A token that
    /// can be cancelled needs the wait to run inside a task.</para>
    /// </remarks>
    public static Task<(HashSet<T> Done, HashSet<T> Pending)> Wait<T>(this EventLoop loop,
        IEnumerable<T> futures, double? timeout = null, ReturnWhen returnWhen = ReturnWhen.AllCompleted,
        CancellationToken cancellationToken = default)
        where T : Future
    {
        ArgumentNullException.ThrowIfNull(futures);
        if (timeout is double t && double.IsNaN(t))
            ThrowHelper.NaN(nameof(timeout));
        loop.CheckThread(nameof(Wait));
        var set = new HashSet<T>(ReferenceEqualityComparer.Instance);
        foreach (var future in futures)
        {
            CheckOwnFuture(loop, future, nameof(futures));
            set.Add(future);
        }
        if (set.Count == 0)
            ThrowHelper.EmptyWaitSet();
        if (returnWhen is not (ReturnWhen.AllCompleted or ReturnWhen.FirstCompleted or ReturnWhen.FirstException))
            ThrowHelper.InvalidReturnWhen(returnWhen);
        if (!cancellationToken.CanBeCanceled)
            return WaitCore(loop, set, timeout, returnWhen);
        return StructuredConcurrency.RunInTimeout(loop, null, static (_, s) => WaitCore(s.Loop, s.Set, s.Timeout, s.ReturnWhen),
            (Loop: loop, Set: set, Timeout: timeout, ReturnWhen: returnWhen), cancellationToken);
    }

    /// <summary>Waits until <paramref name="returnWhen"/> holds or <paramref name="timeout"/> passes: asyncio's <c>asyncio.wait(fs, timeout=, return_when=)</c>.</summary>
    /// <remarks>See <see cref="Wait{T}(EventLoop, IEnumerable{T}, double?, ReturnWhen, CancellationToken)"/>. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits forever.</remarks>
    public static Task<(HashSet<T> Done, HashSet<T> Pending)> Wait<T>(this EventLoop loop,
        IEnumerable<T> futures, TimeSpan timeout, ReturnWhen returnWhen = ReturnWhen.AllCompleted,
        CancellationToken cancellationToken = default)
        where T : Future =>
        loop.Wait(futures, EventLoop.Seconds(timeout), returnWhen, cancellationToken);

    private static async Task<(HashSet<T> Done, HashSet<T> Pending)> WaitCore<T>(EventLoop loop, HashSet<T> set, double? timeout, ReturnWhen returnWhen)
        where T : Future
    {
        var waiter = loop.CreateFuture<object?>();
        var listener = new WaitListener(waiter, set.Count, returnWhen);
        if (timeout is double seconds)
            listener.TimeoutHandle = loop.CallLater(seconds, static w => ReleaseWaiter((Future<object?>)w!), waiter);
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
    /// a <see cref="StructuredConcurrency.Timeout{T}(EventLoop, double?, Func{Task{T}}, CancellationToken)"/>, with no task of its
    /// own. When the timeout passes, the awaiting task is cancelled at that await (a Future or
    /// a wait on a queue, lock or event is cancelled with it, so nothing is lost), and once it has
    /// ended, <see cref="TimeoutException"/> is thrown. A <paramref name="timeout"/> of
    /// <see langword="null"/> waits forever; zero or less makes it a Future (see
    /// <see cref="EventLoop.EnsureFuture(Awaitable, CancellationToken)"/>) and cancels it unless it is
    /// done at once.</para>
    /// <para>When <paramref name="cancellationToken"/> fires, from any thread, the wait ends the
    /// same way with <see cref="OperationCanceledException"/> instead.</para>
    /// <para>Differs from 3.11, which always made a task.</para>
    /// </remarks>
    [OverloadResolutionPriority(-1)] // a Future or task argument keeps its own overload (no conversion to Awaitable is "better" than one to IFuture<T>)
    public static Task<T> WaitFor<T>(this EventLoop loop, Awaitable<T> awaitable, double? timeout, CancellationToken cancellationToken = default) =>
        WaitForCore(loop, awaitable, static (_, a) => a.AwaitAsync(), static (loop, a) => a.ToFuture(loop), timeout, cancellationToken);

    /// <summary>Awaits <paramref name="awaitable"/> with a deadline <paramref name="timeout"/> away: asyncio's <c>await asyncio.wait_for(aw, timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, Awaitable{T}, double?, CancellationToken)"/>. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits forever.</remarks>
    [OverloadResolutionPriority(-1)] // a Future or task argument keeps its own overload (no conversion to Awaitable is "better" than one to IFuture<T>)
    public static Task<T> WaitFor<T>(this EventLoop loop, Awaitable<T> awaitable, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        loop.WaitFor(awaitable, EventLoop.Seconds(timeout), cancellationToken);

    /// <summary>Awaits the .NET Task <paramref name="task"/> with a deadline: asyncio's <c>await asyncio.wait_for(aw, timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, Awaitable{T}, double?, CancellationToken)"/>. A .NET Task cannot be cancelled from outside: on timeout the wait ends, the Task runs on.</remarks>
    public static Task<T> WaitFor<T>(this EventLoop loop, Task<T> task, double? timeout, CancellationToken cancellationToken = default) =>
        loop.WaitFor((Awaitable<T>)task, timeout, cancellationToken);

    /// <summary>Awaits the .NET Task <paramref name="task"/> with a deadline <paramref name="timeout"/> away: asyncio's <c>await asyncio.wait_for(aw, timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, Awaitable{T}, double?, CancellationToken)"/>.</remarks>
    public static Task<T> WaitFor<T>(this EventLoop loop, Task<T> task, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        loop.WaitFor((Awaitable<T>)task, EventLoop.Seconds(timeout), cancellationToken);

    /// <summary>Awaits <paramref name="valueTask"/> (a queue's <c>GetAsync()</c>, say) with a deadline: asyncio's <c>await asyncio.wait_for(queue.get(), timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, Awaitable{T}, double?, CancellationToken)"/>. A wait of the loop's primitives is cancelled on timeout: no item is lost.</remarks>
    public static Task<T> WaitFor<T>(this EventLoop loop, ValueTask<T> valueTask, double? timeout, CancellationToken cancellationToken = default) =>
        loop.WaitFor((Awaitable<T>)valueTask, timeout, cancellationToken);

    /// <summary>Awaits <paramref name="valueTask"/> with a deadline <paramref name="timeout"/> away: asyncio's <c>await asyncio.wait_for(queue.get(), timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, Awaitable{T}, double?, CancellationToken)"/>.</remarks>
    public static Task<T> WaitFor<T>(this EventLoop loop, ValueTask<T> valueTask, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        loop.WaitFor((Awaitable<T>)valueTask, EventLoop.Seconds(timeout), cancellationToken);

    /// <summary>Waits for <paramref name="future"/> (a Future or a task) with a deadline, cancelling it on timeout: asyncio's <c>await asyncio.wait_for(fut, timeout)</c>.</summary>
    /// <remarks>Cancelling the waiting task cancels <paramref name="future"/> too.</remarks>
    public static Task<T> WaitFor<T>(this EventLoop loop, IFuture<T> future, double? timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(future);
        return WaitForCore(loop, future, static async (_, f) => { await f.AsFuture(); return f.Result(); }, static (loop, f) => OwnFuture(loop, f), timeout, cancellationToken);
    }

    /// <summary>Waits for <paramref name="future"/> with a deadline <paramref name="timeout"/> away, cancelling it on timeout: asyncio's <c>await asyncio.wait_for(fut, timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, IFuture{T}, double?, CancellationToken)"/>.</remarks>
    public static Task<T> WaitFor<T>(this EventLoop loop, IFuture<T> future, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        loop.WaitFor(future, EventLoop.Seconds(timeout), cancellationToken);

    /// <summary>Runs the coroutine <paramref name="coroutine"/> in the awaiting task with a deadline: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, Awaitable{T}, double?, CancellationToken)"/>.</remarks>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public static Task<T> WaitFor<T>(this EventLoop loop, Coroutine<T> coroutine, double? timeout, CancellationToken cancellationToken = default) =>
        loop.WaitFor((Awaitable<T>)coroutine, timeout, cancellationToken);

    /// <summary>Runs the coroutine <paramref name="coroutine"/> with a deadline <paramref name="timeout"/> away: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, Awaitable{T}, double?, CancellationToken)"/>.</remarks>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public static Task<T> WaitFor<T>(this EventLoop loop, Coroutine<T> coroutine, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        loop.WaitFor((Awaitable<T>)coroutine, EventLoop.Seconds(timeout), cancellationToken);

    /// <summary>Runs <paramref name="coroutine"/> in the awaiting task with a deadline: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>The function is called inside the deadline; see <see cref="WaitFor{T}(EventLoop, Awaitable{T}, double?, CancellationToken)"/>.</remarks>
    public static Task<T> WaitFor<T>(this EventLoop loop, Func<Task<T>> coroutine, double? timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        return WaitForCore(loop, coroutine, static (_, c) => c(), static (loop, c) => loop.CreateTask(c), timeout, cancellationToken);
    }

    /// <summary>Runs <paramref name="coroutine"/> with a deadline <paramref name="timeout"/> away: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, Func{Task{T}}, double?, CancellationToken)"/>.</remarks>
    public static Task<T> WaitFor<T>(this EventLoop loop, Func<Task<T>> coroutine, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        loop.WaitFor(coroutine, EventLoop.Seconds(timeout), cancellationToken);

    /// <summary>Calls <paramref name="function"/> (<c>() =&gt; queue.GetAsync()</c>) in the awaiting task with a deadline and awaits what it returns: asyncio's <c>await asyncio.wait_for(queue.get(), timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, Func{Task{T}}, double?, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // an async lambda converts to Func<ValueTask<T>> too: Func<Task<T>> wins then
    public static Task<T> WaitFor<T>(this EventLoop loop, Func<ValueTask<T>> function, double? timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return WaitForCore(loop, function, static async (_, f) => await f(), static (loop, f) => loop.CreateTask(f), timeout, cancellationToken);
    }

    /// <summary>Calls <paramref name="function"/> with a deadline <paramref name="timeout"/> away and awaits what it returns: asyncio's <c>await asyncio.wait_for(queue.get(), timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, Func{ValueTask{T}}, double?, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // an async lambda converts to Func<ValueTask<T>> too: Func<Task<T>> wins then
    public static Task<T> WaitFor<T>(this EventLoop loop, Func<ValueTask<T>> function, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        loop.WaitFor(function, EventLoop.Seconds(timeout), cancellationToken);

    /// <summary>Awaits <paramref name="awaitable"/> (a Task, ValueTask, sleep, Future, task or coroutine) in the awaiting task with a deadline: asyncio's <c>await asyncio.wait_for(aw, timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, Awaitable{T}, double?, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // a Future or task argument keeps its own overload (no conversion to Awaitable is "better" than one to IFuture<T>)
    public static Task WaitFor(this EventLoop loop, Awaitable awaitable, double? timeout, CancellationToken cancellationToken = default) =>
        WaitForCore(loop, awaitable, static (_, a) => a.AwaitAsync(), static (loop, a) => a.ToFuture(loop).AsTyped(), timeout, cancellationToken);

    /// <summary>Awaits <paramref name="awaitable"/> with a deadline <paramref name="timeout"/> away: asyncio's <c>await asyncio.wait_for(aw, timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, Awaitable{T}, double?, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // a Future or task argument keeps its own overload (no conversion to Awaitable is "better" than one to IFuture<T>)
    public static Task WaitFor(this EventLoop loop, Awaitable awaitable, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        loop.WaitFor(awaitable, EventLoop.Seconds(timeout), cancellationToken);

    /// <summary>Runs <paramref name="coroutine"/> in the awaiting task with a deadline: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, Func{Task{T}}, double?, CancellationToken)"/>.</remarks>
    public static Task WaitFor(this EventLoop loop, Func<Task> coroutine, double? timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        return WaitForCore(loop, coroutine, static async (_, c) => { await c(); return (object?)null; },
            static (loop, c) => (IFuture<object?>)loop.CreateTask(c).AsTyped(), timeout, cancellationToken);
    }

    /// <summary>Runs <paramref name="coroutine"/> with a deadline <paramref name="timeout"/> away: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, Func{Task{T}}, double?, CancellationToken)"/>.</remarks>
    public static Task WaitFor(this EventLoop loop, Func<Task> coroutine, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        loop.WaitFor(coroutine, EventLoop.Seconds(timeout), cancellationToken);

    /// <summary>Calls <paramref name="function"/> (<c>() =&gt; loop.Sleep(1)</c>, <c>() =&gt; queue.JoinAsync()</c>) in the awaiting task with a deadline and awaits what it returns: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor{T}(EventLoop, Func{Task{T}}, double?, CancellationToken)"/>.</remarks>
    public static Task WaitFor(this EventLoop loop, Func<Awaitable> function, double? timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return WaitForCore(loop, function, static (_, f) => f().AwaitAsync(), static (loop, f) => loop.CreateTask(f).AsTyped(), timeout, cancellationToken);
    }

    /// <summary>Calls <paramref name="function"/> with a deadline <paramref name="timeout"/> away and awaits what it returns: asyncio's <c>await asyncio.wait_for(coro(), timeout)</c>.</summary>
    /// <remarks>See <see cref="WaitFor(EventLoop, Func{Awaitable}, double?, CancellationToken)"/>.</remarks>
    public static Task WaitFor(this EventLoop loop, Func<Awaitable> function, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        loop.WaitFor(function, EventLoop.Seconds(timeout), cancellationToken);

    /// <summary><paramref name="future"/> itself, once checked to be of this loop.</summary>
    private static IFuture<T> OwnFuture<T>(EventLoop loop, IFuture<T> future)
    {
        if (future.AsFuture().Loop != loop)
            ThrowHelper.OtherLoop();
        return future;
    }

    // The body and the future maker are static lambdas over one state argument, and a wait with
    // a deadline goes straight to the timeout scope: no closure and no extra async frame per call.
    private static Task<T> WaitForCore<T, TState>(EventLoop loop, TState state, Func<TimeoutScope, TState, Task<T>> body,
        Func<EventLoop, TState, IFuture<T>> ensureFuture, double? timeout, CancellationToken cancellationToken)
    {
        if (timeout is double seconds)
        {
            if (double.IsNaN(seconds))
                return Task.FromException<T>(ThrowHelper.NaNError(nameof(timeout)));
            if (seconds <= 0 && !cancellationToken.IsCancellationRequested)
                return WaitForNow(loop, ensureFuture, state);
        }
        // A token cancelled already: RunInTimeout throws its OperationCanceledException before the body runs.
        return StructuredConcurrency.RunInTimeout(loop, timeout is double d ? loop.Time() + d : null, body, state, cancellationToken);
    }

    /// <summary>wait_for with a timeout of zero or less: done now, or cancelled and then <see cref="TimeoutException"/>.</summary>
    /// <remarks>Makes the future inside the async method, so that an error doing so (a closed loop) faults the returned Task, as awaiting asyncio's coroutine raises it.</remarks>
    private static async Task<T> WaitForNow<T, TState>(EventLoop loop, Func<EventLoop, TState, IFuture<T>> ensureFuture, TState state)
    {
        var future = ensureFuture(loop, state);
        var plain = future.AsFuture();
        if (plain.Done)
            return future.Result();
        await CancelAndWait(loop, plain);
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
    private static async Task CancelAndWait(EventLoop loop, Future future)
    {
        var waiter = loop.CreateFuture<object?>();
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
}

