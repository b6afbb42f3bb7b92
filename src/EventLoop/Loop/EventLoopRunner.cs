using Asyncio.Internal;

namespace Asyncio;

/// <summary>Runs several top-level coroutines on one loop, then closes it cleanly: asyncio's <c>asyncio.Runner</c> (3.11).</summary>
/// <remarks>
/// <para>The loop is made on first use (<see cref="GetLoop"/> or <see cref="Run(Func{Task})"/>) and
/// lives until <see cref="Close"/>: tasks one <see cref="Run(Func{Task})"/> left pending go on
/// in the next, as in asyncio. <see cref="Close"/> cancels the tasks still pending and waits
/// for them, reports any that failed while being cancelled ("unhandled exception during
/// asyncio.run() shutdown"), then closes the loop, which reports what was never retrieved. A
/// closed runner refuses everything with "Runner is closed".</para>
/// <para>Differs from asyncio: no SIGINT handling (a .NET process has
/// <see cref="Console.CancelKeyPress"/>; give the coroutine a <see cref="CancellationToken"/>);
/// no <c>context=</c> argument (ExecutionContext flows by itself); the loop has no executor of
/// its own (<see cref="EventLoop.RunInExecutor{T}(Func{T}, TaskScheduler?, CancellationToken)"/> uses the thread
/// pool), so there is no <c>shutdown_default_executor()</c> to wait for: a job still running
/// when the runner closes runs to its end on its thread and its result is dropped. The runner
/// is used from one thread, as the loop it owns.</para>
/// </remarks>
public sealed class EventLoopRunner : IDisposable
{
    private enum State
    {
        Created,
        Initialized,
        Closed,
    }

    private readonly EventLoopOptions? _options;
    private readonly Func<EventLoop>? _loopFactory;
    private State _state;
    private EventLoop? _loop;

    /// <summary>A runner whose loop is made with <paramref name="options"/> (or, when <see langword="null"/>, <see cref="EventLoopOptions.FromEnvironment"/>): asyncio's <c>asyncio.Runner(debug=...)</c>.</summary>
    /// <remarks>Differs from asyncio: <see cref="EventLoopOptions"/> carries <c>debug</c>, and virtual time besides.</remarks>
    public EventLoopRunner(EventLoopOptions? options = null)
    {
        _options = options;
    }

    /// <summary>A runner whose loop <paramref name="loopFactory"/> makes, on first use: asyncio's <c>asyncio.Runner(loop_factory=...)</c>.</summary>
    /// <remarks>The runner owns the loop the factory returns and closes it in <see cref="Close"/>.</remarks>
    public EventLoopRunner(Func<EventLoop> loopFactory)
    {
        ArgumentNullException.ThrowIfNull(loopFactory);
        _loopFactory = loopFactory;
    }

    /// <summary>The runner's loop, made on first use: asyncio's <c>Runner.get_loop()</c>.</summary>
    /// <exception cref="InvalidOperationException">"Runner is closed".</exception>
    public EventLoop GetLoop() => LazyInit();

    /// <summary>Runs <paramref name="coroutine"/> as a task on the runner's loop until it is done, and rethrows its exception: asyncio's <c>Runner.run(coro)</c>.</summary>
    /// <remarks>
    /// Other tasks stay pending when it returns; the next run, or <see cref="Close"/>, goes on
    /// with them. Refuses, before making the loop or the task, inside a running loop ("Runner.run()
    /// cannot be called from a running event loop") and after <see cref="Close"/> ("Runner is closed").
    /// </remarks>
    public void Run(Func<Task> coroutine)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        CheckRunnable().RunUntilComplete(coroutine);
    }

    /// <summary>Runs <paramref name="coroutine"/> as a task on the runner's loop until it is done; returns its result or rethrows: asyncio's <c>Runner.run(coro)</c>.</summary>
    /// <remarks>See <see cref="Run(Func{Task})"/>.</remarks>
    public T Run<T>(Func<Task<T>> coroutine)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        return CheckRunnable().RunUntilComplete(coroutine);
    }

    /// <summary>Runs <paramref name="coroutine"/> as a task on the runner's loop until it is done, and rethrows its exception: asyncio's <c>Runner.run(coro)</c>.</summary>
    /// <remarks>See <see cref="Run(Func{Task})"/>.</remarks>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public void Run(Coroutine coroutine)
    {
        _ = coroutine.Core;
        CheckRunnable().RunUntilComplete(coroutine);
    }

    /// <summary>Runs <paramref name="coroutine"/> as a task on the runner's loop until it is done; returns its result or rethrows: asyncio's <c>Runner.run(coro)</c>.</summary>
    /// <remarks>See <see cref="Run(Func{Task})"/>.</remarks>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public T Run<T>(Coroutine<T> coroutine)
    {
        _ = coroutine.Core;
        return CheckRunnable().RunUntilComplete(coroutine);
    }

    /// <summary>Cancels the tasks still pending and waits for them, then closes the loop: asyncio's <c>Runner.close()</c>.</summary>
    /// <remarks>
    /// <para>Idempotent, and nothing to do on a runner that never made its loop (which stays
    /// usable, as in asyncio). A task that ends with an exception other than its cancellation
    /// is reported to the loop's exception handler ("unhandled exception during asyncio.run()
    /// shutdown"); the loop's <see cref="EventLoop.Close"/> then reports exceptions never
    /// retrieved. The runner is closed even when this throws.</para>
    /// <para>Throws "Cannot close a running event loop", changing nothing, when called from
    /// inside the running loop.</para>
    /// </remarks>
    public void Close()
    {
        if (_state != State.Initialized)
            return;
        var loop = _loop!;
        if (loop.IsRunning)
            ThrowHelper.CloseRunning();
        try
        {
            CancelAllTasks(loop);
        }
        finally
        {
            _loop = null;
            _state = State.Closed;
            loop.Close();
        }
    }

    /// <summary>Closes the runner (see <see cref="Close"/>): asyncio's <c>Runner.__exit__</c>.</summary>
    public void Dispose() => Close();

    /// <summary>asyncio.runners._cancel_all_tasks: cancel, wait for them, report their errors.</summary>
    internal static void CancelAllTasks(EventLoop loop)
    {
        var toCancel = loop.AllTasks();
        if (toCancel.Count == 0)
            return;
        foreach (var task in toCancel)
            task.Cancel();
        loop.RunUntilComplete(loop.Gather(toCancel, returnExceptions: true));
        foreach (var task in toCancel)
        {
            if (task.Cancelled)
                continue;
            if (task.Exception() is { } exception)
            {
                loop.CallExceptionHandler(new ExceptionContext("unhandled exception during asyncio.run() shutdown")
                {
                    Exception = exception,
                    Task = task,
                });
            }
        }
    }

    private EventLoop CheckRunnable()
    {
        // asyncio checks the running loop before it makes its own ("fail fast").
        if (EventLoop.RunningLoop is not null)
            throw new InvalidOperationException("Runner.run() cannot be called from a running event loop");
        return LazyInit();
    }

    private EventLoop LazyInit()
    {
        if (_state == State.Closed)
            throw new InvalidOperationException("Runner is closed");
        if (_state == State.Initialized)
            return _loop!;
        _loop = _loopFactory is null
            ? new EventLoop(_options ?? EventLoopOptions.FromEnvironment())
            : _loopFactory() ?? throw new InvalidOperationException("The loop factory returned null.");
        _state = State.Initialized;
        return _loop;
    }
}
