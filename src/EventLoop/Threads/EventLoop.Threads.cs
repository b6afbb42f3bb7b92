using Asyncio.Internal;

namespace Asyncio;

public sealed partial class EventLoop
{
    // ---- run_coroutine_threadsafe ------------------------------------------------------------

    /// <summary>Submits <paramref name="coroutine"/> to this loop from any thread; the returned .NET Task completes when the loop task does: asyncio's <c>asyncio.run_coroutine_threadsafe(coro, loop)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.run_coroutine_threadsafe(coro, loop)</c>, which returns a
    /// <c>concurrent.futures.Future</c>; here a <see cref="Task{TResult}"/>.</para>
    /// <para>The task is created on the loop through <see cref="CallSoonThreadsafe(Action)"/>, in
    /// the ExecutionContext of the calling thread (as asyncio copies the caller's contextvars). The
    /// returned Task gets the loop task's result or exception; a cancelled loop task makes it
    /// canceled. Cancelling <paramref name="cancellationToken"/> cancels the loop task (asyncio:
    /// <c>future.cancel()</c>). Its continuations never run inline on the loop thread.</para>
    /// <para>Differs from asyncio: when the loop is closed before the task finished (still queued,
    /// or running), the returned Task faults with <see cref="InvalidOperationException"/> "Event
    /// loop is closed" (canceled when <paramref name="cancellationToken"/> was cancelled) instead
    /// of staying pending; a call that arrives after <see cref="Close"/> throws it at once.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The loop is closed.</exception>
    public Task<T> RunCoroutineThreadsafe<T>(Func<Task<T>> coroutine, CancellationToken cancellationToken = default)
    {
        if (coroutine is null)
            ThrowHelper.ArgumentNull(nameof(coroutine));
        return SubmitThreadsafe<T>(() => CreateTask(coroutine), cancellationToken);
    }

    /// <summary>Submits <paramref name="coroutine"/> to this loop from any thread; the returned .NET Task completes when the loop task does: asyncio's <c>asyncio.run_coroutine_threadsafe(coro, loop)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.run_coroutine_threadsafe(coro, loop)</c>; see <see cref="RunCoroutineThreadsafe{T}(Func{Task{T}}, CancellationToken)"/>.</remarks>
    /// <exception cref="InvalidOperationException">The loop is closed.</exception>
    public Task RunCoroutineThreadsafe(Func<Task> coroutine, CancellationToken cancellationToken = default)
    {
        if (coroutine is null)
            ThrowHelper.ArgumentNull(nameof(coroutine));
        return SubmitThreadsafe<object?>(() => CreateTask(coroutine), cancellationToken);
    }

    /// <summary>Submits the coroutine <paramref name="coroutine"/>, made on any thread, to this loop; the returned .NET Task completes when the loop task does: asyncio's <c>asyncio.run_coroutine_threadsafe(coro(), loop)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.run_coroutine_threadsafe(coro, loop)</c>; see
    /// <see cref="RunCoroutineThreadsafe{T}(Func{Task{T}}, CancellationToken)"/>.</para>
    /// <para>Calling an <c>async Coroutine</c> method on another thread runs none of it, so, as in
    /// Python, the coroutine object is made by the caller and its whole body runs on the loop.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The loop is closed, or the coroutine is a default value.</exception>
    public Task<T> RunCoroutineThreadsafe<T>(Coroutine<T> coroutine, CancellationToken cancellationToken = default)
    {
        _ = coroutine.Core;
        return SubmitThreadsafe<T>(() => CreateTask(coroutine), cancellationToken);
    }

    /// <summary>Submits the coroutine <paramref name="coroutine"/>, made on any thread, to this loop; the returned .NET Task completes when the loop task does: asyncio's <c>asyncio.run_coroutine_threadsafe(coro(), loop)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.run_coroutine_threadsafe(coro, loop)</c>; see <see cref="RunCoroutineThreadsafe{T}(Coroutine{T}, CancellationToken)"/>.</remarks>
    /// <exception cref="InvalidOperationException">The loop is closed, or the coroutine is a default value.</exception>
    public Task RunCoroutineThreadsafe(Coroutine coroutine, CancellationToken cancellationToken = default)
    {
        _ = coroutine.Core;
        return SubmitThreadsafe<object?>(() => CreateTask(coroutine), cancellationToken);
    }

    private Task<T> SubmitThreadsafe<T>(Func<LoopTask> create, CancellationToken cancellationToken)
    {
        CheckClosed();
        var bridge = new ThreadsafeBridge<T>(this, create, cancellationToken);
        bridge.Submit();
        return bridge.Completion.Task;
    }

    /// <summary>At <see cref="Close"/>: ends the caller's Task of every bridge still queued (in <paramref name="dropped"/>) or running.</summary>
    private void CloseBridges(List<ThreadsafeBridge> dropped)
    {
        foreach (var bridge in dropped)
            bridge.LoopClosed();
        if (_runningBridges is null)
            return;
        foreach (var bridge in _runningBridges.ToArray())
            bridge.LoopClosed();
        _runningBridges = null;
    }

    /// <summary>What <see cref="Close"/> needs of a bridge, whatever its result type.</summary>
    private abstract class ThreadsafeBridge
    {
        /// <summary>The loop is closing with this call not finished: its caller learns it now.</summary>
        public abstract void LoopClosed();
    }

    /// <summary>Carries one run_coroutine_threadsafe call across threads: the caller's side is <see cref="Completion"/>, the loop's side the task.</summary>
    private sealed class ThreadsafeBridge<T> : ThreadsafeBridge
    {
        private static readonly Action<object?> s_start = static s => ((ThreadsafeBridge<T>)s!).Start();
        private static readonly Action<object?> s_cancel = static s => ((ThreadsafeBridge<T>)s!).CancelOnLoop();

        private readonly EventLoop _loop;
        private readonly Func<LoopTask> _create;
        private readonly CancellationToken _token;
        private readonly ExecutionContext? _callerContext;
        private CancellationTokenRegistration _registration;
        private LoopTask? _task;
        private bool _cancelRequested;

        public ThreadsafeBridge(EventLoop loop, Func<LoopTask> create, CancellationToken token)
        {
            _loop = loop;
            _create = create;
            _token = token;
            _callerContext = ExecutionContext.Capture();
            Completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public TaskCompletionSource<T> Completion { get; }

        public void Submit()
        {
            // Checked under the inbox's lock: a Close that came after the caller's CheckClosed
            // still refuses the call here, at once, instead of dropping it unseen.
            if (!_loop._inbox.Post(new WorkItem(s_start, this, WorkKind.StateAction)))
                ThrowHelper.Closed();
            if (_token.CanBeCanceled)
            {
                _registration = _token.UnsafeRegister(static s =>
                {
                    var self = (ThreadsafeBridge<T>)s!;
                    self._loop.PostFromOtherThread(new WorkItem(s_cancel, self, WorkKind.StateAction));
                }, this);
            }
        }

        private void Start()
        {
            if (_cancelRequested || _token.IsCancellationRequested)
            {
                // asyncio: a future cancelled before the loop got to it never starts the coroutine.
                Finish(static c => c.TrySetCanceled());
                return;
            }
            try
            {
                if (_callerContext is null)
                    _task = _create();
                else
                    ExecutionContext.Run(_callerContext, static s => { var b = (ThreadsafeBridge<T>)s!; b._task = b._create(); }, this);
            }
            catch (Exception exception)
            {
                Finish(c => c.TrySetException(exception));
                return;
            }
            (_loop._runningBridges ??= []).Add(this);
            _task!.AddDoneCallback(_ => CopyOutcome());
        }

        public override void LoopClosed()
        {
            if (Completion.Task.IsCompleted)
                return; // queued twice (its start and a cancel request)
            // The outcome may be known already, its done-callback dropped with the ready queue.
            if (_task is { Done: true })
            {
                CopyOutcome();
                return;
            }
            if (_cancelRequested || _token.IsCancellationRequested)
                Finish(static c => c.TrySetCanceled());
            else
                Finish(static c => c.TrySetException(ThrowHelper.ClosedError()));
        }

        private void CancelOnLoop()
        {
            _cancelRequested = true;
            _task?.Cancel();
        }

        private void CopyOutcome()
        {
            _loop._runningBridges?.Remove(this);
            var task = _task!;
            if (task.Cancelled)
            {
                Finish(static c => c.TrySetCanceled());
            }
            else if (task.Exception() is { } exception)
            {
                Finish(c => c.TrySetException(exception));
            }
            else
            {
                var result = task is LoopTask<T> typed ? typed.Result() : (T)task.Result()!;
                Finish(c => c.TrySetResult(result));
            }
        }

        private void Finish(Action<TaskCompletionSource<T>> complete)
        {
            _registration.Dispose();
            complete(Completion);
        }
    }

    // ---- run_in_executor / to_thread --------------------------------------------------------

    /// <summary>Runs <paramref name="function"/> on the thread pool (or <paramref name="scheduler"/>); the Future gets its result on the loop: asyncio's <c>loop.run_in_executor(executor, func)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>loop.run_in_executor(None, func)</c>; a <see cref="TaskScheduler"/>
    /// stands for the executor.</para>
    /// <para>The Future completes in a loop iteration after the function returns, with its result
    /// or exception. Cancelling the Future keeps a job that has not started from starting (as
    /// <c>concurrent.futures.Future.cancel()</c>); a running job runs to its end. While the job
    /// runs, a virtual-time loop waits for it instead of reporting a deadlock. As in asyncio, the
    /// caller's ExecutionContext does not flow into the job (use <see cref="ToThread{T}(Func{T}, CancellationToken)"/>).</para>
    /// <para>When <paramref name="cancellationToken"/> fires, from any thread, the Future is cancelled as by <see cref="Future.Cancel"/>.</para>
    /// </remarks>
    public Future<T> RunInExecutor<T>(Func<T> function, TaskScheduler? scheduler = null, CancellationToken cancellationToken = default)
    {
        if (function is null)
            ThrowHelper.ArgumentNull(nameof(function));
        return StartJob(function, scheduler, flowContext: false, cancellationToken);
    }

    /// <summary>Runs <paramref name="action"/> on the thread pool (or <paramref name="scheduler"/>); the Future completes on the loop: asyncio's <c>loop.run_in_executor(executor, func)</c>.</summary>
    /// <remarks>asyncio: <c>loop.run_in_executor(None, func)</c> for a function returning <c>None</c>; see <see cref="RunInExecutor{T}(Func{T}, TaskScheduler?, CancellationToken)"/>.
    /// When <paramref name="cancellationToken"/> fires, the Future is cancelled.</remarks>
    public Future<object?> RunInExecutor(Action action, TaskScheduler? scheduler = null, CancellationToken cancellationToken = default)
    {
        if (action is null)
            ThrowHelper.ArgumentNull(nameof(action));
        return StartJob<object?>(() => { action(); return null; }, scheduler, flowContext: false, cancellationToken);
    }

    /// <summary>Runs <paramref name="function"/> on the thread pool with the caller's ExecutionContext; the Future gets its result on the loop: asyncio's <c>asyncio.to_thread(func)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>await asyncio.to_thread(func)</c>, which copies the contextvars into the
    /// thread: here the ExecutionContext (AsyncLocal values) flows into the job. Otherwise as
    /// <see cref="RunInExecutor{T}(Func{T}, TaskScheduler?, CancellationToken)"/>.</para>
    /// <para>When <paramref name="cancellationToken"/> fires, the Future is cancelled.</para>
    /// </remarks>
    public Future<T> ToThread<T>(Func<T> function, CancellationToken cancellationToken = default)
    {
        if (function is null)
            ThrowHelper.ArgumentNull(nameof(function));
        return StartJob(function, null, flowContext: true, cancellationToken);
    }

    /// <summary>Runs <paramref name="action"/> on the thread pool with the caller's ExecutionContext: asyncio's <c>asyncio.to_thread(func)</c>.</summary>
    /// <remarks>asyncio: <c>await asyncio.to_thread(func)</c>; see <see cref="ToThread{T}(Func{T}, CancellationToken)"/>.
    /// When <paramref name="cancellationToken"/> fires, the Future is cancelled.</remarks>
    public Future<object?> ToThread(Action action, CancellationToken cancellationToken = default)
    {
        if (action is null)
            ThrowHelper.ArgumentNull(nameof(action));
        return StartJob<object?>(() => { action(); return null; }, null, flowContext: true, cancellationToken);
    }

    private ExternalFuture<T> StartJob<T>(Func<T> function, TaskScheduler? scheduler, bool flowContext, CancellationToken cancellationToken)
    {
        CheckClosed();
        CheckThread(nameof(RunInExecutor));
        // A token cancelled already: the job never starts (a Future cancelled before its job ran).
        if (cancellationToken.IsCancellationRequested)
        {
            var cancelled = new ExternalFuture<T>(this);
            cancelled.Cancel();
            return cancelled;
        }
        var future = new ExternalFuture<T>(this);
        var cancellation = new CancellationTokenSource();
        Task<T> job;
        if (flowContext)
        {
            job = Task.Factory.StartNew(function, cancellation.Token, TaskCreationOptions.DenyChildAttach, scheduler ?? TaskScheduler.Default);
        }
        else
        {
            using (ExecutionContext.SuppressFlow())
                job = Task.Factory.StartNew(function, cancellation.Token, TaskCreationOptions.DenyChildAttach, scheduler ?? TaskScheduler.Default);
        }
        future.Attach(job, cancellation, uncountOnCancel: false);
        CancelOn(future, cancellationToken);
        return future;
    }

    // ---- wrap_future ----------------------------------------------------------------------------

    /// <summary>A loop Future that completes (on the loop) as <paramref name="task"/> does: asyncio's <c>asyncio.wrap_future(fut)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.wrap_future(concurrent_future)</c>.</para>
    /// <para>The outcome is copied in a loop iteration after the Task completes (at once when it
    /// is complete already): its result, its exception (a lone inner exception unwrapped from the
    /// <see cref="AggregateException"/>), or cancelled. Cancelling the Future cancels
    /// <paramref name="cancellation"/> when given (a .NET Task has no <c>cancel()</c> of its own)
    /// and stops the loop waiting for it. Until then, a virtual-time loop counts the Task as
    /// outstanding work instead of reporting a deadlock.</para>
    /// </remarks>
    public Future<T> WrapFuture<T>(Task<T> task, CancellationTokenSource? cancellation = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Wrap<T>(task, cancellation);
    }

    /// <summary>A loop Future that completes (on the loop) as <paramref name="task"/> does; its result is the Task's boxed result, if any: asyncio's <c>asyncio.wrap_future(fut)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wrap_future(concurrent_future)</c>; see <see cref="WrapFuture{T}(Task{T}, CancellationTokenSource?)"/>.</remarks>
    public Future<object?> WrapFuture(Task task, CancellationTokenSource? cancellation = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Wrap<object?>(task, cancellation);
    }

    private ExternalFuture<T> Wrap<T>(Task task, CancellationTokenSource? cancellation)
    {
        CheckClosed();
        CheckThread(nameof(WrapFuture));
        var future = new ExternalFuture<T>(this);
        future.Attach(task, cancellation, uncountOnCancel: true);
        return future;
    }
}
