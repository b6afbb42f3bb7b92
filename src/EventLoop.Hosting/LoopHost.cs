using System.Diagnostics.Metrics;
using Asyncio.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Asyncio.Hosting;

/// <summary>The hosted loop: its thread, the loop services' start, and the graceful stop.</summary>
/// <remarks>
/// Invariant: the loop runs only on <see cref="_thread"/>, and only that thread closes it (after
/// its last RunForever), except when the host never started it. The host's thread reaches the
/// loop only through its thread-safe entries (CallSoonThreadsafe, Stop).
/// </remarks>
internal sealed class LoopHost : IEventLoopHost, IHostedService, IDisposable
{
    private readonly EventLoopHostOptions _options;
    private readonly IReadOnlyList<ILoopService> _services;
    private readonly ILogger? _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly LoopMetrics? _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<LoopTask> _serviceTasks = [];
    private readonly Lock _gate = new();
    private Thread? _thread;
    private bool _stopRequested;
    private volatile bool _shutdown;

    public LoopHost(IOptions<EventLoopHostOptions> options, IEnumerable<ILoopService> services, IServiceProvider provider)
    {
        _options = options.Value;
        _services = services.ToArray();
        var loopOptions = _options.LoopOptions ?? EventLoopOptions.FromEnvironment();
        // Other threads may submit work at any time: an idle hosted loop waits for them rather
        // than calling itself deadlocked.
        Loop = new EventLoop(new EventLoopOptions
        {
            VirtualTime = loopOptions.VirtualTime,
            Debug = loopOptions.Debug,
            EagerTasks = loopOptions.EagerTasks,
            UseSelector = loopOptions.UseSelector,
            DeadlockDetection = false,
        });
        var loggerFactory = provider.GetService<ILoggerFactory>();
        _logger = loggerFactory?.CreateLogger("Asyncio.Hosting.EventLoopHost");
        if (_options.UseLogger && loggerFactory is not null)
            Loop.UseLogger(loggerFactory);
        if (_options.Metrics)
            _metrics = LoopMetrics.Attach(Loop, provider.GetService<IMeterFactory>());
        _lifetime = provider.GetService<IHostApplicationLifetime>();
    }

    public EventLoop Loop { get; }

    public Task Completion => _completion.Task;

    public Task<T> RunAsync<T>(Func<EventLoop, Task<T>> coroutine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        return Loop.RunCoroutineThreadsafe(() => coroutine(Loop), cancellationToken);
    }

    public Task RunAsync(Func<EventLoop, Task> coroutine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        return Loop.RunCoroutineThreadsafe(() => coroutine(Loop), cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_thread is not null || _stopRequested)
                throw new InvalidOperationException("The event loop host was started already.");
            _thread = new Thread(RunLoop) { IsBackground = true, Name = _options.ThreadName };
            _thread.Start();
        }
        return Task.CompletedTask;
    }

    private void RunLoop()
    {
        try
        {
            Loop.CallSoon(StartServices);
            // A Stop from the application's code ends RunForever too; the loop goes on until the host stops.
            while (!_shutdown)
                Loop.RunForever();
        }
        catch (Exception exception)
        {
            _logger?.LogCritical(exception, "The event loop stopped with an error; stopping the host.");
            _lifetime?.StopApplication();
        }
        finally
        {
            CloseLoop();
        }
    }

    private void CloseLoop()
    {
        try
        {
            Loop.Close();
        }
        catch (Exception exception)
        {
            _logger?.LogError(exception, "Closing the event loop failed.");
        }
        finally
        {
            _metrics?.Dispose();
            _completion.TrySetResult();
        }
    }

    private void StartServices()
    {
        foreach (var service in _services)
        {
            var task = Loop.CreateTask(() => service.RunAsync(Loop, _stopping.Token), service.GetType().Name);
            task.AddDoneCallback(OnServiceDone);
            _serviceTasks.Add(task);
        }
    }

    private void OnServiceDone(Future task)
    {
        if (task.Cancelled || task.Exception() is not { } exception)
            return;
        _logger?.LogError(exception, "Loop service {Service} failed.", ((LoopTask)task).Name);
        if (_options.StopHostWhenServiceFails)
            _lifetime?.StopApplication();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_stopRequested)
                return;
            _stopRequested = true;
            if (_thread is null)
            {
                _shutdown = true;
                CloseLoop(); // never started: the loop is not running, any thread may close it
                return;
            }
        }

        // 1. The services' stopping token fires on the loop thread (its registrations run there),
        //    then the host waits for the services to return.
        var servicesDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Submit(() => FireStoppingAndWatchServices(servicesDone)))
            await WaitAsync(servicesDone.Task, cancellationToken).ConfigureAwait(false);

        // 2. Whatever is still pending is cancelled and awaited: asyncio.runners._cancel_all_tasks.
        //    Asked for even when the timeout ran out, so that a task with a step left may still end.
        var tasksDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Submit(() => CancelAllTasks(tasksDone)) && !cancellationToken.IsCancellationRequested)
            await WaitAsync(tasksDone.Task, cancellationToken).ConfigureAwait(false);

        // 3. The loop stops; its own thread closes it, then ends. Past the timeout, the thread
        //    still gets a moment to finish its iteration and close the loop (reporting the tasks
        //    left pending), unless a callback blocks it.
        _shutdown = true;
        Loop.Stop();
        bool ended = cancellationToken.IsCancellationRequested
            ? await Task.WhenAny(Completion, Task.Delay(s_closeGrace, CancellationToken.None)).ConfigureAwait(false) == Completion
            : await WaitAsync(Completion, cancellationToken).ConfigureAwait(false);
        if (!ended)
            _logger?.LogWarning("The event loop's thread did not end within the host's shutdown timeout: a callback blocks it.");
    }

    private static readonly TimeSpan s_closeGrace = TimeSpan.FromSeconds(1);

    private void FireStoppingAndWatchServices(TaskCompletionSource done)
    {
        try
        {
            _stopping.Cancel();
        }
        catch (AggregateException exception)
        {
            Loop.CallExceptionHandler(new ExceptionContext("Exception in a stopping-token callback") { Exception = exception });
        }
        var pending = _serviceTasks.Where(static t => !t.Done).ToArray();
        if (pending.Length == 0)
        {
            done.TrySetResult();
            return;
        }
        Loop.Gather(pending, returnExceptions: true).AddDoneCallback(_ => done.TrySetResult());
    }

    private void CancelAllTasks(TaskCompletionSource done)
    {
        var toCancel = Loop.AllTasks();
        if (toCancel.Count == 0)
        {
            done.TrySetResult();
            return;
        }
        foreach (var task in toCancel)
            task.Cancel();
        Loop.Gather(toCancel, returnExceptions: true).AddDoneCallback(_ =>
        {
            foreach (var task in toCancel)
            {
                if (!task.Cancelled && task.Exception() is { } exception && !_serviceTasks.Contains(task))
                {
                    Loop.CallExceptionHandler(new ExceptionContext("unhandled exception during event loop host shutdown")
                    {
                        Exception = exception,
                        Task = task,
                    });
                }
            }
            done.TrySetResult();
        });
    }

    /// <summary>Queues <paramref name="callback"/> on the loop; false when the loop has ended already (it failed).</summary>
    private bool Submit(Action callback)
    {
        if (Completion.IsCompleted)
            return false;
        try
        {
            Loop.CallSoonThreadsafe(callback);
            return true;
        }
        catch (InvalidOperationException) when (Loop.IsClosed)
        {
            return false; // the loop's thread ended between the check and the call
        }
    }

    /// <summary>Waits for <paramref name="task"/> or the loop's end; false when <paramref name="cancellationToken"/> fired first.</summary>
    private async Task<bool> WaitAsync(Task task, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAny(task, Completion).WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopRequested = true;
            _shutdown = true;
            if (_thread is null)
            {
                CloseLoop();
                return;
            }
        }
        // Disposed without a stop (the host was not stopped): the loop's thread closes the loop.
        Loop.Stop();
    }
}
