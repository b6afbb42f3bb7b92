using Asyncio.Internal;

namespace Asyncio;

public static partial class Combinators
{
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
    /// <para>Refused at the call, before anything is watched, with <see cref="Gather(EventLoop, IEnumerable{Future}, bool, CancellationToken)"/>'s
    /// errors: a null element, a Future of another loop, a call from another thread while the loop runs.</para>
    /// </remarks>
    public static IEnumerable<AsCompletedAwaitable<T>> AsCompleted<T>(this EventLoop loop, IEnumerable<IFuture<T>> futures, double? timeout = null,
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
        var queue = new CompletionQueue(loop, plain, timeout, cancellationToken);
        return Results(queue);

        static IEnumerable<AsCompletedAwaitable<T>> Results(CompletionQueue queue)
        {
            for (int i = queue.Count; i > 0; i--)
                yield return new AsCompletedAwaitable<T>(queue.NextResultAsync<T>);
        }
    }

    /// <summary>Awaitables that give the results of <paramref name="futures"/> in the order they complete, within <paramref name="timeout"/>: asyncio's <c>asyncio.as_completed(fs, timeout=)</c>.</summary>
    /// <remarks>See <see cref="AsCompleted{T}(EventLoop, IEnumerable{IFuture{T}}, double?, CancellationToken)"/>. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> is no timeout.</remarks>
    public static IEnumerable<AsCompletedAwaitable<T>> AsCompleted<T>(this EventLoop loop, IEnumerable<IFuture<T>> futures, TimeSpan timeout,
        CancellationToken cancellationToken = default) =>
        loop.AsCompleted(futures, EventLoop.Seconds(timeout), cancellationToken);

    /// <summary>The Futures themselves, as each completes: asyncio 3.13's <c>async for f in asyncio.as_completed(fs, timeout=)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: 3.13's asynchronous iteration of <c>as_completed</c>, which yields the
    /// original Futures in completion order.</para>
    /// <para>Once <paramref name="timeout"/> passes, the iteration throws <see cref="TimeoutException"/>;
    /// once <paramref name="cancellationToken"/> fires, <see cref="OperationCanceledException"/>.
    /// Refused at the call as <see cref="AsCompleted{T}(EventLoop, IEnumerable{IFuture{T}}, double?, CancellationToken)"/> is.</para>
    /// </remarks>
    public static IAsyncEnumerable<TFuture> AsCompletedAsync<TFuture>(this EventLoop loop, IEnumerable<TFuture> futures, double? timeout = null,
        CancellationToken cancellationToken = default)
        where TFuture : Future
    {
        ArgumentNullException.ThrowIfNull(futures);
        var queue = new CompletionQueue(loop, futures, timeout, cancellationToken);
        return Iterate(queue);

        static async IAsyncEnumerable<TFuture> Iterate(CompletionQueue queue)
        {
            for (int i = queue.Count; i > 0; i--)
                yield return (TFuture)await queue.NextAsync();
        }
    }

    /// <summary>The Futures themselves, as each completes, within <paramref name="timeout"/>: asyncio 3.13's <c>async for f in asyncio.as_completed(fs, timeout=)</c>.</summary>
    /// <remarks>asyncio: 3.13's <c>as_completed</c>; see <see cref="AsCompletedAsync{TFuture}(EventLoop, IEnumerable{TFuture}, double?, CancellationToken)"/>.</remarks>
    public static IAsyncEnumerable<TFuture> AsCompletedAsync<TFuture>(this EventLoop loop, IEnumerable<TFuture> futures, TimeSpan timeout,
        CancellationToken cancellationToken = default)
        where TFuture : Future =>
        loop.AsCompletedAsync(futures, EventLoop.Seconds(timeout), cancellationToken);

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
                CheckOwnFuture(loop, f, nameof(futures));
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
