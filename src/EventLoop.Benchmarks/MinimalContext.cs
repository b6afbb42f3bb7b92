namespace Asyncio.Benchmarks;

/// <summary>
/// The floor for the async workloads: the least a single-threaded <see cref="SynchronizationContext"/>
/// can do. A ring buffer of (callback, state) pairs run in FIFO order on the thread that called
/// <see cref="Run"/>; posts from other threads go through a locked inbox and wake it.
/// </summary>
/// <remarks>No loop iterations, no clock, no timers, no task bookkeeping, no error handling beyond
/// rethrowing what the root task threw: what the loop's task machinery is measured against.</remarks>
public sealed class MinimalContext : SynchronizationContext
{
    private (SendOrPostCallback Callback, object? State)[] _items = new (SendOrPostCallback, object?)[1024];
    private int _head;
    private int _count;
    private readonly int _ownerThread;
    private readonly Lock _inboxLock = new();
    private readonly Queue<(SendOrPostCallback, object?)> _inbox = new();
    private readonly ManualResetEventSlim _wake = new(false);

    private MinimalContext() => _ownerThread = Environment.CurrentManagedThreadId;

    /// <summary>Runs <paramref name="main"/> and everything it posts on the calling thread until its task is done.</summary>
    public static void Run(Func<Task> main)
    {
        var previous = Current;
        var context = new MinimalContext();
        SetSynchronizationContext(context);
        try
        {
            var task = main();
            context.RunUntil(task);
            task.GetAwaiter().GetResult();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        if (Environment.CurrentManagedThreadId == _ownerThread)
        {
            Enqueue(d, state);
            return;
        }
        lock (_inboxLock)
            _inbox.Enqueue((d, state));
        _wake.Set();
    }

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException();

    public override SynchronizationContext CreateCopy() => this;

    private void Enqueue(SendOrPostCallback d, object? state)
    {
        if (_count == _items.Length)
            Grow();
        _items[(_head + _count) & (_items.Length - 1)] = (d, state);
        _count++;
    }

    private void RunUntil(Task task)
    {
        // Wakes the wait below should the root task finish on another thread.
        task.ContinueWith(static (_, wake) => ((ManualResetEventSlim)wake!).Set(), _wake,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        while (true)
        {
            while (_count > 0)
            {
                var (callback, state) = _items[_head];
                _items[_head] = default;
                _head = (_head + 1) & (_items.Length - 1);
                _count--;
                callback(state);
            }
            if (task.IsCompleted)
                return;
            _wake.Wait();
            lock (_inboxLock)
            {
                _wake.Reset();
                while (_inbox.TryDequeue(out var item))
                    Enqueue(item.Item1, item.Item2);
            }
        }
    }

    private void Grow()
    {
        var bigger = new (SendOrPostCallback, object?)[_items.Length * 2];
        for (int i = 0; i < _count; i++)
            bigger[i] = _items[(_head + i) & (_items.Length - 1)];
        _items = bigger;
        _head = 0;
    }
}
