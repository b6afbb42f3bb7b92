using Asyncio.Internal;

namespace Asyncio;

/// <summary>A FIFO queue for producer and consumer tasks of one loop, optionally bounded: asyncio's <c>Queue</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.Queue(maxsize=0)</c>, with 3.13's <c>shutdown()</c>.</para>
/// <para>Getters wait while the queue is empty, putters while it is full; each is woken in FIFO
/// order, one per item taken or added. A waiter cancelled after it was woken passes the
/// wake-up on, so no item and no free slot is ever stranded. <see cref="TaskDone"/> and
/// <see cref="JoinAsync"/> count items through their processing; <see cref="Shutdown"/> ends
/// the queue. A put or get that does not wait neither suspends nor allocates.</para>
/// <para>Bound to the loop it first waits on; not thread-safe: other threads reach it through
/// <see cref="EventLoop.CallSoonThreadsafe(Action)"/> or <see cref="AsChannel()"/>. Once bound,
/// every member but the read-only properties, called from another thread while that loop runs,
/// throws <see cref="InvalidOperationException"/> before it changes anything: no item is queued
/// or taken, no waiter is woken.</para>
/// <para>Differs from asyncio: a negative <c>maxsize</c> is an error, where asyncio treats any
/// <c>maxsize &lt;= 0</c> as unbounded.</para>
/// </remarks>
public partial class AsyncQueue<T>
{
    private readonly ItemStore<T> _items;
    private readonly int _maxSize;
    private readonly AsyncEvent _finished = new();
    // Futures of the tasks waiting to get / to put. Unlike the locks', a queue's waiter is
    // popped when it is woken (asyncio's _wakeup_next), and removes itself when cancelled.
    private WaiterQueue? _getters;
    private WaiterQueue? _putters;
    private int _unfinishedTasks;
    private bool _isShutdown;
    private EventLoop? _loop;

    /// <summary>Creates a FIFO queue holding at most <paramref name="maxSize"/> items (0: no limit): asyncio's <c>Queue(maxsize=0)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSize"/> is negative.</exception>
    public AsyncQueue(int maxSize = 0) : this(maxSize, new FifoStore<T>())
    {
    }

    private protected AsyncQueue(int maxSize, ItemStore<T> items)
    {
        if (maxSize < 0)
            throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, "maxsize must be >= 0 (0 means no limit)");
        _maxSize = maxSize;
        _items = items;
        _finished.Set();
    }

    /// <summary>The number of items in the queue: asyncio's <c>queue.qsize()</c>.</summary>
    public int Count => _items.Count;

    /// <summary>The most items the queue holds, 0 for no limit: asyncio's <c>queue.maxsize</c>.</summary>
    public int MaxSize => _maxSize;

    /// <summary>Whether the queue holds no item: asyncio's <c>queue.empty()</c>.</summary>
    public bool Empty => _items.Count == 0;

    /// <summary>Whether the queue holds <see cref="MaxSize"/> items (never, without a limit): asyncio's <c>queue.full()</c>.</summary>
    public bool Full => _maxSize > 0 && _items.Count >= _maxSize;

    /// <summary>Whether <see cref="Shutdown"/> was called: asyncio's <c>queue._is_shutdown</c>.</summary>
    public bool IsShutDown => _isShutdown;

    internal EventLoop? BoundLoop => _loop;

    internal int GetterCount => _getters?.Count ?? 0;

    internal int PutterCount => _putters?.Count ?? 0;

    internal int UnfinishedTasks => _unfinishedTasks;

    internal void BindTo(EventLoop loop) => LoopBinding.BindTo(ref _loop, loop, this);

    /// <summary>Adds <paramref name="item"/>, waiting for a free slot while the queue is full: asyncio's <c>await queue.put(item)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>queue.put(item)</c>.</para>
    /// <para>Throws <see cref="QueueShutDownError"/> when the queue is (or, while waiting, gets)
    /// shut down. Cancelled while waiting, the item is not added.</para>
    /// </remarks>
    /// <param name="item">The item to add.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread; the waiter leaves the line and the item is not added. Not looked at when the call does not wait.</param>
    public ValueTask PutAsync(T item, CancellationToken cancellationToken = default)
    {
        _loop?.CheckThread(nameof(PutAsync));
        if (!Full)
        {
            PutCore(item);
            return default;
        }
        return PutSlowAsync(item, cancellationToken);
    }

    // Full: the put waits in line, as a Waiter (see there) rather than an async method.
    private ValueTask PutSlowAsync(T item, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled(cancellationToken);
        if (_isShutdown)
            return ValueTask.FromException(new QueueShutDownError());
        if (!LoopBinding.TryGet(ref _loop, this, out var loop, out var error))
            return ValueTask.FromException(error);
        var putter = new Waiter(loop, this, _putters ??= new WaiterQueue(this), isPutter: true, item, cancellationToken);
        return new ValueTask(putter, 0);
    }

    // One wait in a line (the putters' or the getters'): asyncio's body of the `while
    // self.full()` loop in put() and of the `while self.empty()` loop in get().
    private async ValueTask WaitInLineAsync(WaiterQueue line, bool asPutter)
    {
        var waiter = new WaiterFuture(LoopBinding.Get(ref _loop, this));
        line.Enqueue(waiter);
        try
        {
            await waiter;
        }
        catch
        {
            waiter.Cancel(); // in case it is not done yet
            // Already gone if the other side or Shutdown popped it.
            line.Remove(waiter);
            // Woken but not taking the slot or the item: wake the next one in line.
            if ((asPutter ? !Full : !Empty) && !waiter.Cancelled)
                line.PopAndWakeNext();
            throw;
        }
    }

    /// <summary>Waits until the queue has room; false when it is shut down (for the channel writer).</summary>
    internal async ValueTask<bool> WaitNotFullAsync()
    {
        while (Full)
        {
            if (_isShutdown)
                return false;
            await WaitInLineAsync(_putters ??= new WaiterQueue(this), asPutter: true);
        }
        return !_isShutdown;
    }

    /// <summary>Adds <paramref name="item"/> at once or throws: asyncio's <c>queue.put_nowait(item)</c>.</summary>
    /// <exception cref="QueueFullError">The queue is full.</exception>
    /// <exception cref="QueueShutDownError">The queue was shut down.</exception>
    public void PutNowait(T item)
    {
        // Check first: the item, the unfinished count and the woken getter all change below.
        _loop?.CheckThread(nameof(PutNowait));
        PutCore(item);
    }

    // put_nowait once the thread is checked (a put that did not wait, or a putter resuming).
    internal void PutCore(T item)
    {
        if (_isShutdown)
            throw new QueueShutDownError();
        if (Full)
            throw new QueueFullError();
        _items.Put(item);
        _unfinishedTasks++;
        _finished.ClearCore();
        _getters?.PopAndWakeNext();
    }

    /// <summary>Removes and returns the next item, waiting while the queue is empty: asyncio's <c>await queue.get()</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>queue.get()</c>.</para>
    /// <para>Throws <see cref="QueueShutDownError"/> once the queue is shut down and empty (at
    /// once after an immediate shutdown). Cancelled while waiting, no item is taken.</para>
    /// </remarks>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread; the waiter leaves the line and no item is taken. Not looked at when the call does not wait.</param>
    public ValueTask<T> GetAsync(CancellationToken cancellationToken = default)
    {
        _loop?.CheckThread(nameof(GetAsync));
        if (!Empty)
            return new ValueTask<T>(TakeCore());
        return GetSlowAsync(cancellationToken);
    }

    // Empty: the get waits in line, as a Waiter (see there) rather than an async method.
    private ValueTask<T> GetSlowAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<T>(cancellationToken);
        if (_isShutdown)
            return ValueTask.FromException<T>(new QueueShutDownError());
        if (!LoopBinding.TryGet(ref _loop, this, out var loop, out var error))
            return ValueTask.FromException<T>(error);
        var getter = new Waiter(loop, this, _getters ??= new WaiterQueue(this), isPutter: false, default!, cancellationToken);
        return new ValueTask<T>(getter, 0);
    }

    /// <summary>Waits until the queue holds an item; false when it is shut down and empty (for the channel reader).</summary>
    internal async ValueTask<bool> WaitNotEmptyAsync()
    {
        while (Empty)
        {
            if (_isShutdown)
                return false;
            await WaitInLineAsync(_getters ??= new WaiterQueue(this), asPutter: false);
        }
        return true;
    }

    /// <summary>Removes and returns the next item at once, or throws: asyncio's <c>queue.get_nowait()</c>.</summary>
    /// <exception cref="QueueEmptyError">The queue is empty.</exception>
    /// <exception cref="QueueShutDownError">The queue was shut down and is empty.</exception>
    public T GetNowait()
    {
        _loop?.CheckThread(nameof(GetNowait));
        return TakeCore();
    }

    // get_nowait once the thread is checked (a get that did not wait, or a getter resuming).
    internal T TakeCore()
    {
        if (Empty)
        {
            if (_isShutdown)
                throw new QueueShutDownError();
            throw new QueueEmptyError();
        }
        var item = _items.Take();
        _putters?.PopAndWakeNext();
        return item;
    }

    /// <summary>Removes and returns the next item if there is one: a <c>get_nowait()</c> that reports instead of throwing.</summary>
    /// <remarks>asyncio: no twin (<c>get_nowait()</c> with <c>except QueueEmpty</c>).</remarks>
    public bool TryGetNowait(out T item)
    {
        _loop?.CheckThread(nameof(TryGetNowait));
        if (Empty)
        {
            item = default!;
            return false;
        }
        item = TakeCore();
        return true;
    }

    /// <summary>Marks one item taken from the queue as processed: asyncio's <c>queue.task_done()</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>queue.task_done()</c>. When every item put has been marked, <see cref="JoinAsync"/> returns.</para>
    /// <para>Differs from asyncio: called more often than items were put, it throws
    /// <see cref="InvalidOperationException"/> "task_done() called too many times" (asyncio's
    /// <c>ValueError</c>: no argument is at fault here).</para>
    /// </remarks>
    public void TaskDone()
    {
        _loop?.CheckThread(nameof(TaskDone));
        if (_unfinishedTasks <= 0)
            ThrowHelper.TaskDoneTooManyTimes();
        _unfinishedTasks--;
        if (_unfinishedTasks == 0)
            _finished.SetCore();
    }

    /// <summary>Waits until every item put has been marked with <see cref="TaskDone"/>: asyncio's <c>await queue.join()</c>.</summary>
    /// <remarks>asyncio: <c>queue.join()</c>. Returns at once when nothing is unfinished.</remarks>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread. Not looked at when nothing is unfinished.</param>
    public ValueTask JoinAsync(CancellationToken cancellationToken = default)
    {
        _loop?.CheckThread(nameof(JoinAsync));
        return _unfinishedTasks > 0 ? JoinSlowAsync(cancellationToken) : default;
    }

    private async ValueTask JoinSlowAsync(CancellationToken cancellationToken) => await _finished.WaitAsync(cancellationToken);

    /// <summary>Shuts the queue down: puts throw, gets throw once it is empty, and every waiting put and get is woken: asyncio 3.13's <c>queue.shutdown(immediate=False)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>queue.shutdown(immediate=False)</c> (3.13).</para>
    /// <para>With <paramref name="immediate"/>, the items left are dropped, each counted as done
    /// for <see cref="JoinAsync"/>, and gets throw at once. Waiting putters and getters wake and
    /// throw <see cref="QueueShutDownError"/>, except getters that still find an item.</para>
    /// </remarks>
    public void Shutdown(bool immediate = false)
    {
        _loop?.CheckThread(nameof(Shutdown));
        _isShutdown = true;
        if (immediate)
        {
            while (!Empty)
            {
                _items.Take();
                if (_unfinishedTasks > 0)
                    _unfinishedTasks--;
            }
            if (_unfinishedTasks == 0)
                _finished.SetCore();
        }
        // Every getter and putter must look again, and find the queue shut down.
        WakeAll(_getters);
        WakeAll(_putters);
    }

    private static void WakeAll(WaiterQueue? waiters)
    {
        if (waiters is null)
            return;
        while (waiters.Count > 0)
        {
            var waiter = waiters.Dequeue();
            if (!waiter.Done)
                waiter.SetResult(true);
        }
    }

    /// <summary>This queue seen as a <see cref="System.Threading.Channels.Channel{T}"/>, for code off the loop (for example worker threads that feed it).</summary>
    /// <remarks>
    /// <para>asyncio: no twin; the usual asyncio idiom is <c>loop.call_soon_threadsafe(queue.put_nowait, item)</c>.</para>
    /// <para>Binds the queue to the running loop (or the loop it is bound to already); call it on
    /// the loop's thread, or before the loop runs with <see cref="AsChannel(EventLoop)"/>. See
    /// <see cref="QueueChannel{T}"/> for what each side does from which thread.</para>
    /// </remarks>
    public QueueChannel<T> AsChannel() =>
        AsChannel(_loop ?? EventLoop.RunningLoop ?? throw new InvalidOperationException(
            "no running event loop: call AsChannel(loop) to bind the queue to a loop that does not run yet"));

    /// <summary>This queue seen as a channel, bound to <paramref name="loop"/>; see <see cref="AsChannel()"/>.</summary>
    public QueueChannel<T> AsChannel(EventLoop loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        return new QueueChannel<T>(this, loop);
    }

    /// <summary>The type's name in <see cref="ToString"/>.</summary>
    private protected virtual string DisplayName => "AsyncQueue";

    /// <summary>asyncio's <c>str(queue)</c>: <c>&lt;AsyncQueue maxsize=0 _queue=[1, 2] _getters[1] tasks=2&gt;</c>.</summary>
    public override string ToString()
    {
        string result = $"maxsize={_maxSize}";
        if (!Empty)
            result += " _queue=[" + string.Join(", ", _items.InTakeOrder().Select(x => Naming.Repr(x))) + "]";
        if (_getters is { Count: > 0 } getters)
            result += $" _getters[{getters.Count}]";
        if (_putters is { Count: > 0 } putters)
            result += $" _putters[{putters.Count}]";
        if (_unfinishedTasks > 0)
            result += $" tasks={_unfinishedTasks}";
        if (_isShutdown)
            result += " shutdown";
        return $"<{DisplayName} {result}>";
    }
}
