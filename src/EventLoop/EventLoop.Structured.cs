using System.Runtime.ExceptionServices;
using Asyncio.Internal;

namespace Asyncio;

public sealed partial class EventLoop
{
    // ---- TaskGroup ------------------------------------------------------------------------------

    /// <summary>Runs <paramref name="body"/> with a task group and waits for all its tasks: asyncio's <c>async with asyncio.TaskGroup() as tg:</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.TaskGroup</c>; see <see cref="Asyncio.TaskGroup"/> for the rules. Must run inside a task.</remarks>
    public Task TaskGroup(Func<Asyncio.TaskGroup, Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunTaskGroup<object?>(async group => { await body(group); return null; });
    }

    /// <summary>Runs <paramref name="body"/> with a task group, waits for all its tasks, and returns the body's result.</summary>
    /// <remarks>asyncio: <c>async with asyncio.TaskGroup() as tg:</c>; see <see cref="Asyncio.TaskGroup"/>.</remarks>
    public Task<T> TaskGroup<T>(Func<Asyncio.TaskGroup, Task<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunTaskGroup(body);
    }

    private async Task<T> RunTaskGroup<T>(Func<Asyncio.TaskGroup, Task<T>> body)
    {
        var group = new Asyncio.TaskGroup(this);
        group.Enter();
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
    /// <paramref name="future"/>; cancelling it (for example by cancelling the awaiting task)
    /// leaves <paramref name="future"/> running. A done Future is returned as is.
    /// </remarks>
    public Future<T> Shield<T>(Future<T> future)
    {
        ArgumentNullException.ThrowIfNull(future);
        return (Future<T>)ShieldCore(future, static f => ((Future<T>)f).Result(), static l => l.CreateFuture<T>());
    }

    /// <summary>Protects <paramref name="task"/> from the cancellation of whoever awaits it: asyncio's <c>asyncio.shield(task)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.shield(aw)</c>; a done task comes back wrapped in a done Future.</remarks>
    public Future<T> Shield<T>(LoopTask<T> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return (Future<T>)ShieldCore(task, static f => ((LoopTask<T>)f).Result(), static l => l.CreateFuture<T>());
    }

    /// <summary>Runs <paramref name="coroutine"/> as a task and shields it: asyncio's <c>asyncio.shield(coro())</c>.</summary>
    public Future<T> Shield<T>(Func<Task<T>> coroutine) => Shield(CreateTask(coroutine));

    /// <summary>Runs the coroutine <paramref name="coroutine"/> as a task and shields it: asyncio's <c>asyncio.shield(coro())</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.shield(coro)</c>; see <see cref="Shield{T}(LoopTask{T})"/>.</remarks>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public Future<T> Shield<T>(Coroutine<T> coroutine) => Shield(CreateTask(coroutine));

    /// <summary>Protects any Future from the cancellation of whoever awaits it: asyncio's <c>asyncio.shield(aw)</c>.</summary>
    public Future<object?> Shield(Future future)
    {
        ArgumentNullException.ThrowIfNull(future);
        return (Future<object?>)ShieldCore(future, static f => f.Result(), static l => l.CreateFuture<object?>());
    }

    private Future ShieldCore<T>(Future inner, Func<Future, T> resultOf, Func<EventLoop, Future<T>> create)
    {
        if (inner.Loop != this)
            throw new ArgumentException("The future belongs to a different loop than the one specified as the loop argument", nameof(inner));
        if (inner.Done && inner is Future<T> same)
            return same;
        var outer = create(this);
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
    /// <see cref="TimeoutException"/>. Like asyncio's coroutines, an awaitable starts waiting
    /// only when awaited, and several may wait at once (first come, first served). Nothing is
    /// cancelled.</para>
    /// </remarks>
    public IEnumerable<AsCompletedAwaitable<T>> AsCompleted<T>(IEnumerable<IFuture<T>> futures, double? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(futures);
        var queue = new CompletionQueue(this, futures.Select(f => f.AsFuture()), timeout);
        return Results(queue);

        static IEnumerable<AsCompletedAwaitable<T>> Results(CompletionQueue queue)
        {
            for (int i = queue.Count; i > 0; i--)
                yield return new AsCompletedAwaitable<T>(queue.NextResultAsync<T>);
        }
    }

    /// <summary>Runs an <see cref="AsCompleted{T}"/> awaitable as a task: asyncio's <c>ensure_future(coro)</c> of one of them.</summary>
    public LoopTask<T> EnsureFuture<T>(AsCompletedAwaitable<T> awaitable)
    {
        ArgumentNullException.ThrowIfNull(awaitable);
        return CreateTask(awaitable.AsTask);
    }

    /// <summary>The Futures themselves, as each completes: asyncio 3.13's <c>async for f in asyncio.as_completed(fs, timeout=)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: 3.13's asynchronous iteration of <c>as_completed</c>, which yields the
    /// original Futures in completion order.</para>
    /// <para>Once <paramref name="timeout"/> passes, the iteration throws <see cref="TimeoutException"/>.</para>
    /// </remarks>
    public async IAsyncEnumerable<TFuture> AsCompletedAsync<TFuture>(IEnumerable<TFuture> futures, double? timeout = null)
        where TFuture : Future
    {
        ArgumentNullException.ThrowIfNull(futures);
        var queue = new CompletionQueue(this, futures, timeout);
        for (int i = queue.Count; i > 0; i--)
            yield return (TFuture)await queue.NextAsync();
    }

    /// <summary>asyncio's <c>as_completed</c> machinery: a queue of done Futures, <see langword="null"/> standing for the timeout.</summary>
    private sealed class CompletionQueue : IFutureListener
    {
        private readonly List<Future> _todo;
        // asyncio uses a Queue here too: its getters wait first come, first served.
        private readonly AsyncQueue<Future?> _done = new();
        private readonly TimerHandle? _timeoutHandle;

        public CompletionQueue(EventLoop loop, IEnumerable<Future> futures, double? timeout)
        {
            _todo = new HashSet<Future>(futures, ReferenceEqualityComparer.Instance).ToList();
            Count = _todo.Count;
            foreach (var f in _todo)
                f.AddListener(this);
            if (_todo.Count > 0 && timeout is double seconds)
            {
                if (double.IsNaN(seconds))
                    ThrowHelper.NaN(nameof(timeout));
                _timeoutHandle = loop.CallLater(seconds, static q => ((CompletionQueue)q!).OnTimeout(), this);
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
                _timeoutHandle?.Cancel();
        }

        private void OnTimeout()
        {
            foreach (var f in _todo)
            {
                f.RemoveListener(this);
                _done.PutNowait(null); // a dummy for each awaitable still to come
            }
            _todo.Clear();
        }

        public async Task<Future> NextAsync() =>
            await _done.GetAsync() ?? throw new TimeoutException("The operation has timed out.");

        public async Task<T> NextResultAsync<T>()
        {
            var future = await NextAsync();
            return ((IFuture<T>)future).Result();
        }
    }
}
