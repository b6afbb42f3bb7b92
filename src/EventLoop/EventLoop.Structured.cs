using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Asyncio.Internal;

namespace Asyncio;

public sealed partial class EventLoop
{
    // ---- TaskGroup ------------------------------------------------------------------------------

    /// <summary>Runs <paramref name="body"/> with a task group and waits for all its tasks: asyncio's <c>async with asyncio.TaskGroup() as tg:</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.TaskGroup</c>; see <see cref="Asyncio.TaskGroup"/> for the rules. Must run inside a task.
    /// When <paramref name="cancellationToken"/> fires, from any thread, the body and the group's tasks are cancelled as by an outer timeout, and the call ends with <see cref="OperationCanceledException"/>.</remarks>
    public Task TaskGroup(Func<Asyncio.TaskGroup, Task> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        CheckThread(nameof(TaskGroup));
        return TaskGroup<object?>(async group => { await body(group); return null; }, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/> with a task group, waits for all its tasks, and returns the body's result.</summary>
    /// <remarks>asyncio: <c>async with asyncio.TaskGroup() as tg:</c>; see <see cref="Asyncio.TaskGroup"/> and <see cref="TaskGroup(Func{Asyncio.TaskGroup, Task}, CancellationToken)"/>.</remarks>
    public Task<T> TaskGroup<T>(Func<Asyncio.TaskGroup, Task<T>> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        CheckThread(nameof(TaskGroup));
        if (!cancellationToken.CanBeCanceled)
            return RunTaskGroup(body);
        // The token works as an outer timeout scope would: it cancels the parent task.
        return RunInTimeout(null, static (_, b) => b.Loop.RunTaskGroup(b.Body), (Loop: this, Body: body), cancellationToken);
    }

    private async Task<T> RunTaskGroup<T>(Func<Asyncio.TaskGroup, Task<T>> body)
    {
        var group = new Asyncio.TaskGroup(this);
        group.EnterCore();
        T result = default!;
        Exception? bodyError = null;
        try
        {
            result = await body(group);
        }
        catch (Exception exception)
        {
            bodyError = exception;
        }
        await group.ExitAsync(bodyError);
        if (bodyError is not null)
            ExceptionDispatchInfo.Throw(bodyError); // __aexit__ returned None: the body's exception stands
        return result;
    }

    // ---- Shield ------------------------------------------------------------------------------

    /// <summary>Protects <paramref name="future"/> from the cancellation of whoever awaits it: asyncio's <c>asyncio.shield(aw)</c>.</summary>
    /// <remarks>
    /// asyncio: <c>asyncio.shield(aw)</c>. Returns a new Future that follows
    /// <paramref name="future"/>; cancelling it (for example by cancelling the awaiting task, or
    /// by <paramref name="cancellationToken"/>) leaves <paramref name="future"/> running. A done
    /// Future is returned as is.
    /// </remarks>
    public Future<T> Shield<T>(Future<T> future, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(future);
        return Shielded((Future<T>)ShieldCore(future, static f => ((Future<T>)f).Result(), static l => l.CreateFuture<T>()), cancellationToken);
    }

    /// <summary>Protects <paramref name="task"/> from the cancellation of whoever awaits it: asyncio's <c>asyncio.shield(task)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.shield(aw)</c>; a done task comes back wrapped in a done Future.</remarks>
    public Future<T> Shield<T>(LoopTask<T> task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Shielded((Future<T>)ShieldCore(task, static f => ((LoopTask<T>)f).Result(), static l => l.CreateFuture<T>()), cancellationToken);
    }

    /// <summary>Makes <paramref name="awaitable"/> a Future (see <see cref="EnsureFuture(Awaitable, CancellationToken)"/>) and shields it: asyncio's <c>asyncio.shield(aw)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.shield(aw)</c>; see <see cref="Shield{T}(Future{T}, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // a Future or task argument keeps its own overload (no conversion to Awaitable is "better" than one to IFuture<T>)
    public Future<T> Shield<T>(Awaitable<T> awaitable, CancellationToken cancellationToken = default)
    {
        CheckClosed();
        CheckThread(nameof(Shield));
        CheckAwaitableLoop(awaitable.AsLoopFuture);
        var inner = awaitable.ToFuture(this).AsFuture();
        return Shielded((Future<T>)ShieldCore(inner, static f => ((IFuture<T>)f).Result(), static l => l.CreateFuture<T>()), cancellationToken);
    }

    /// <summary>Makes the .NET Task <paramref name="task"/> a Future and shields it: asyncio's <c>asyncio.shield(aw)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.shield(aw)</c>; see <see cref="Shield{T}(Awaitable{T}, CancellationToken)"/>.</remarks>
    public Future<T> Shield<T>(Task<T> task, CancellationToken cancellationToken = default) => Shield((Awaitable<T>)task, cancellationToken);

    /// <summary>Runs <paramref name="coroutine"/> as a task and shields it: asyncio's <c>asyncio.shield(coro())</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.shield(coro)</c>; see <see cref="Shield{T}(LoopTask{T}, CancellationToken)"/>.</remarks>
    public Future<T> Shield<T>(Func<Task<T>> coroutine, CancellationToken cancellationToken = default)
    {
        CheckThread(nameof(Shield));
        return Shield(CreateTask(coroutine), cancellationToken);
    }

    /// <summary>Runs the coroutine <paramref name="coroutine"/> as a task and shields it: asyncio's <c>asyncio.shield(coro())</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.shield(coro)</c>; see <see cref="Shield{T}(LoopTask{T}, CancellationToken)"/>.</remarks>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public Future<T> Shield<T>(Coroutine<T> coroutine, CancellationToken cancellationToken = default)
    {
        CheckThread(nameof(Shield));
        return Shield(CreateTask(coroutine), cancellationToken);
    }

    /// <summary>Protects any Future from the cancellation of whoever awaits it: asyncio's <c>asyncio.shield(aw)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.shield(aw)</c>; see <see cref="Shield{T}(Future{T}, CancellationToken)"/>.</remarks>
    public Future<object?> Shield(Future future, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(future);
        return Shielded((Future<object?>)ShieldCore(future, static f => f.Result(), static l => l.CreateFuture<object?>()), cancellationToken);
    }

    /// <summary>Makes <paramref name="awaitable"/> a Future (a sleep, a coroutine, a .NET Task...) and shields it: asyncio's <c>asyncio.shield(aw)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.shield(aw)</c>; see <see cref="Shield{T}(Future{T}, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // a Future or task argument keeps its own overload (no conversion to Awaitable is "better" than one to IFuture<T>)
    public Future<object?> Shield(Awaitable awaitable, CancellationToken cancellationToken = default)
    {
        CheckClosed();
        CheckThread(nameof(Shield));
        CheckAwaitableLoop(awaitable.AsLoopFuture);
        return Shield(awaitable.ToFuture(this), cancellationToken);
    }

    private void CheckAwaitableLoop(Future? future)
    {
        if (future is not null && future.Loop != this)
            ThrowHelper.OtherLoop("awaitable");
    }

    private Future<T> Shielded<T>(Future<T> outer, CancellationToken cancellationToken)
    {
        CancelOn(outer, cancellationToken);
        return outer;
    }

    private Future ShieldCore<T>(Future inner, Func<Future, T> resultOf, Func<EventLoop, Future<T>> create)
    {
        CheckThread(nameof(Shield));
        if (inner.Loop != this)
            ThrowHelper.OtherLoop(nameof(inner));
        if (inner.Done && inner is Future<T> same)
            return same;
        var outer = create(this);
        if (inner.Done && inner.Cancelled)
        {
            // asyncio returns the done task itself, so awaiting it raises the task's own
            // CancelledError, and takes it: a later await of the task gets a bare one. Take it
            // here, for the awaiter of this Future.
            outer.Cancel(inner.MakeCancelledError().CancelMessage);
            return outer;
        }
        var link = new ShieldLink<T>(inner, outer, resultOf);
        if (inner.Done)
            link.OnFutureDone(inner); // a done task: copy its outcome now
        else
        {
            inner.AddListener(link);
            outer.AddListener(link);
        }
        return outer;
    }

    /// <summary>asyncio's <c>_inner_done_callback</c> and <c>_outer_done_callback</c> in <c>shield</c>.</summary>
    private sealed class ShieldLink<T>(Future inner, Future<T> outer, Func<Future, T> resultOf) : IFutureListener
    {
        public string CallbackName => "shield.<locals>._inner_done_callback";

        public void OnFutureDone(Future future)
        {
            if (ReferenceEquals(future, outer))
            {
                if (!inner.Done)
                    inner.RemoveListener(this);
                return;
            }
            if (outer.Cancelled)
            {
                if (!inner.Cancelled)
                    inner.Exception(); // mark it retrieved
                return;
            }
            if (inner.Cancelled)
                outer.Cancel();
            else if (inner.Exception() is { } error)
                outer.SetException(error);
            else
                outer.SetResult(resultOf(inner));
        }
    }

    // ---- AsCompleted ------------------------------------------------------------------------------

    /// <summary>Awaitables that give the results of <paramref name="futures"/> in the order they complete: asyncio's <c>asyncio.as_completed(fs, timeout=)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>for coro in asyncio.as_completed(fs, timeout=None): result = await coro</c> (3.12).</para>
    /// <para>Each awaitable, when awaited, gives the next result to arrive, or throws that
    /// Future's exception; once <paramref name="timeout"/> passes, the remaining ones throw
    /// <see cref="TimeoutException"/>, and once <paramref name="cancellationToken"/> fires (from
    /// any thread), <see cref="OperationCanceledException"/>. Like asyncio's coroutines, an
    /// awaitable starts waiting only when awaited, and several may wait at once (first come, first
    /// served). Nothing is cancelled.</para>
    /// <para>Refused at the call, before anything is watched, with <see cref="Gather(IEnumerable{Future}, bool, CancellationToken)"/>'s
    /// errors: a null element, a Future of another loop, a call from another thread while the loop runs.</para>
    /// </remarks>
    public IEnumerable<AsCompletedAwaitable<T>> AsCompleted<T>(IEnumerable<IFuture<T>> futures, double? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(futures);
        var plain = new List<Future>();
        foreach (var future in futures)
        {
            if (future is null)
                ThrowHelper.NullElement(nameof(futures));
            plain.Add(future.AsFuture());
        }
        var queue = new CompletionQueue(this, plain, timeout, cancellationToken);
        return Results(queue);

        static IEnumerable<AsCompletedAwaitable<T>> Results(CompletionQueue queue)
        {
            for (int i = queue.Count; i > 0; i--)
                yield return new AsCompletedAwaitable<T>(queue.NextResultAsync<T>);
        }
    }

    /// <summary>Awaitables that give the results of <paramref name="futures"/> in the order they complete, within <paramref name="timeout"/>: asyncio's <c>asyncio.as_completed(fs, timeout=)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.as_completed(fs, timeout)</c>; see <see cref="AsCompleted{T}(IEnumerable{IFuture{T}}, double?, CancellationToken)"/>. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> is no timeout.</remarks>
    public IEnumerable<AsCompletedAwaitable<T>> AsCompleted<T>(IEnumerable<IFuture<T>> futures, TimeSpan timeout,
        CancellationToken cancellationToken = default) =>
        AsCompleted(futures, Seconds(timeout), cancellationToken);

    /// <summary>Runs an <see cref="AsCompleted{T}(IEnumerable{IFuture{T}}, double?, CancellationToken)"/> awaitable as a task: asyncio's <c>ensure_future(coro)</c> of one of them.</summary>
    /// <remarks>asyncio: <c>asyncio.ensure_future(coro)</c>; the token cancels the task.</remarks>
    public LoopTask<T> EnsureFuture<T>(AsCompletedAwaitable<T> awaitable, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(awaitable);
        return CreateTask(awaitable.AsTask, null, cancellationToken);
    }

    /// <summary>The Futures themselves, as each completes: asyncio 3.13's <c>async for f in asyncio.as_completed(fs, timeout=)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: 3.13's asynchronous iteration of <c>as_completed</c>, which yields the
    /// original Futures in completion order.</para>
    /// <para>Once <paramref name="timeout"/> passes, the iteration throws <see cref="TimeoutException"/>;
    /// once <paramref name="cancellationToken"/> fires, <see cref="OperationCanceledException"/>.
    /// Refused at the call as <see cref="AsCompleted{T}(IEnumerable{IFuture{T}}, double?, CancellationToken)"/> is.</para>
    /// </remarks>
    public IAsyncEnumerable<TFuture> AsCompletedAsync<TFuture>(IEnumerable<TFuture> futures, double? timeout = null,
        CancellationToken cancellationToken = default)
        where TFuture : Future
    {
        ArgumentNullException.ThrowIfNull(futures);
        var queue = new CompletionQueue(this, futures, timeout, cancellationToken);
        return Iterate(queue);

        static async IAsyncEnumerable<TFuture> Iterate(CompletionQueue queue)
        {
            for (int i = queue.Count; i > 0; i--)
                yield return (TFuture)await queue.NextAsync();
        }
    }

    /// <summary>The Futures themselves, as each completes, within <paramref name="timeout"/>: asyncio 3.13's <c>async for f in asyncio.as_completed(fs, timeout=)</c>.</summary>
    /// <remarks>asyncio: 3.13's <c>as_completed</c>; see <see cref="AsCompletedAsync{TFuture}(IEnumerable{TFuture}, double?, CancellationToken)"/>.</remarks>
    public IAsyncEnumerable<TFuture> AsCompletedAsync<TFuture>(IEnumerable<TFuture> futures, TimeSpan timeout,
        CancellationToken cancellationToken = default)
        where TFuture : Future =>
        AsCompletedAsync(futures, Seconds(timeout), cancellationToken);

    /// <summary>asyncio's <c>as_completed</c> machinery: a queue of done Futures, <see langword="null"/> standing for the timeout or the token.</summary>
    private sealed class CompletionQueue : IFutureListener
    {
        public string CallbackName => "as_completed.<locals>._on_completion";

        private static readonly Action<object?> s_onCancelled = static q => ((CompletionQueue)q!).OnCancelled();

        private readonly EventLoop _loop;
        private readonly List<Future> _todo;
        // asyncio uses a Queue here too: its getters wait first come, first served.
        private readonly AsyncQueue<Future?> _done = new();
        private readonly TimerHandle? _timeoutHandle;
        private readonly CancellationToken _token;
        private CancellationTokenRegistration _registration;
        private bool _cancelled;

        /// <summary>Checks everything first (thread, nulls, loops, NaN), then watches the futures.</summary>
        public CompletionQueue(EventLoop loop, IEnumerable<Future> futures, double? timeout, CancellationToken token)
        {
            if (timeout is double t && double.IsNaN(t))
                ThrowHelper.NaN(nameof(timeout));
            loop.CheckClosed();
            loop.CheckThread(nameof(AsCompleted));
            var unique = new HashSet<Future>(ReferenceEqualityComparer.Instance);
            _todo = [];
            foreach (var f in futures)
            {
                loop.CheckOwnFuture(f, nameof(futures));
                if (unique.Add(f))
                    _todo.Add(f);
            }
            _loop = loop;
            _token = token;
            Count = _todo.Count;
            foreach (var f in _todo)
                f.AddListener(this);
            if (_todo.Count > 0 && timeout is double seconds)
                _timeoutHandle = loop.CallLater(seconds, static q => ((CompletionQueue)q!).OnTimeout(), this);
            if (_todo.Count > 0 && token.CanBeCanceled)
            {
                _registration = token.UnsafeRegister(static s =>
                {
                    var queue = (CompletionQueue)s!;
                    if (queue._loop.IsLoopThread)
                        queue.OnCancelled();
                    else
                        queue._loop.PostFromOtherThread(new WorkItem(s_onCancelled, queue, WorkKind.StateAction));
                }, this);
            }
        }

        public int Count { get; }

        public void OnFutureDone(Future future)
        {
            if (_todo.Count == 0)
                return; // the timeout came first
            _todo.Remove(future);
            _done.PutNowait(future);
            if (_todo.Count == 0)
            {
                _timeoutHandle?.Cancel();
                _registration.Unregister();
            }
        }

        private void OnCancelled()
        {
            if (_todo.Count == 0)
                return;
            _cancelled = true;
            _timeoutHandle?.Cancel();
            OnTimeout();
        }

        private void OnTimeout()
        {
            _registration.Unregister();
            foreach (var f in _todo)
            {
                f.RemoveListener(this);
                _done.PutNowait(null); // a dummy for each awaitable still to come
            }
            _todo.Clear();
        }

        public async Task<Future> NextAsync() =>
            await _done.GetAsync() ?? throw (_cancelled
                ? new OperationCanceledException(_token)
                : ThrowHelper.TimeoutError());

        public async Task<T> NextResultAsync<T>()
        {
            var future = await NextAsync();
            return ((IFuture<T>)future).Result();
        }
    }
}
