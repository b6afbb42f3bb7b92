namespace Asyncio.Benchmarks;

/// <summary>
/// The floor for queue workloads: the least a bounded async FIFO can do on one thread (run it on
/// <see cref="MinimalContext"/>). A waiting get is a <see cref="TaskCompletionSource{TResult}"/>
/// that the next put completes with its item, handed over directly; a waiting put is a
/// <see cref="TaskCompletionSource"/> whose item the next get moves into the queue. Completed
/// with <c>RunContinuationsAsynchronously</c>, so a wake-up is a post to the context, as a loop
/// wake-up is a step in the next iteration.
/// </summary>
/// <remarks>
/// <para>Invariant: getters wait only while the queue is empty, putters only while it is full.</para>
/// <para>No cancellation, shutdown, task_done/join or loop binding, and no second look at the
/// queue after a wake-up (asyncio's <c>while self.empty()</c>): what <c>AsyncQueue</c>'s machinery is
/// measured against. Not thread-safe.</para>
/// </remarks>
public sealed class MinimalBoundedQueue<T>
{
    private const TaskCreationOptions Async = TaskCreationOptions.RunContinuationsAsynchronously;

    private readonly Queue<T> _items = new();
    private readonly Queue<TaskCompletionSource<T>> _getters = new();
    private readonly Queue<(T Item, TaskCompletionSource Done)> _putters = new();
    private readonly int _capacity;

    public MinimalBoundedQueue(int capacity) => _capacity = capacity;

    public ValueTask PutAsync(T item)
    {
        if (_getters.TryDequeue(out var getter))
        {
            getter.SetResult(item);
            return default;
        }
        if (_items.Count < _capacity)
        {
            _items.Enqueue(item);
            return default;
        }
        var done = new TaskCompletionSource(Async);
        _putters.Enqueue((item, done));
        return new ValueTask(done.Task);
    }

    public ValueTask<T> GetAsync()
    {
        if (_items.TryDequeue(out var item))
        {
            if (_putters.TryDequeue(out var putter))
            {
                _items.Enqueue(putter.Item);
                putter.Done.SetResult();
            }
            return new ValueTask<T>(item);
        }
        var getter = new TaskCompletionSource<T>(Async);
        _getters.Enqueue(getter);
        return new ValueTask<T>(getter.Task);
    }
}
