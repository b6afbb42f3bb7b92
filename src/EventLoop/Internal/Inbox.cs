namespace Asyncio.Internal;

/// <summary>The loop's only thread-safe entry, and its only lock.</summary>
/// <remarks>
/// Other threads append here (<c>CallSoonThreadsafe</c>, a context's <c>Post</c>); the loop
/// moves the items to the ready queue in arrival order at phase 3 of each iteration, and blocks
/// here at phase 2, so that a post wakes it at once.
/// </remarks>
internal sealed class Inbox
{
    private readonly object _gate = new();
    private WorkItem[] _items = new WorkItem[16];
    private int _count;
    // Read without the lock by the loop to skip locking when nothing arrived; a stale zero only
    // delays the items to the next iteration, and the loop never blocks without re-checking
    // _count under the lock.
    private volatile int _published;
    private bool _loopWaiting;
    private bool _closed; // under _gate: the loop closed, and every later post is refused

    public bool HasItems => _published != 0;

    /// <summary>Appends <paramref name="item"/>; false, with nothing appended, once the loop has closed.</summary>
    public bool Post(in WorkItem item)
    {
        lock (_gate)
        {
            if (_closed)
                return false;
            if (_count == _items.Length)
                Array.Resize(ref _items, _items.Length * 2);
            _items[_count++] = item;
            _published = _count;
            if (_loopWaiting)
                Monitor.Pulse(_gate);
        }
        return true;
    }

    /// <summary>Refuses every later post, shows each item still queued to <paramref name="dropped"/>, in arrival order, and drops them.</summary>
    /// <remarks>Under the lock, so that a post racing with the loop's Close is either seen here or refused.</remarks>
    public void Close(Action<WorkItem> dropped)
    {
        lock (_gate)
        {
            _closed = true;
            for (int i = 0; i < _count; i++)
                dropped(_items[i]);
        }
        Clear();
    }

    /// <summary>Blocks the loop thread for at most <paramref name="milliseconds"/> (-1: no limit), unless items are waiting.</summary>
    public void Wait(int milliseconds)
    {
        lock (_gate)
        {
            if (_count != 0)
                return;
            _loopWaiting = true;
            try
            {
                Monitor.Wait(_gate, milliseconds);
            }
            finally
            {
                _loopWaiting = false;
            }
        }
    }

    /// <summary>Moves every posted item to <paramref name="ready"/>, in arrival order.</summary>
    public int DrainTo(ref ReadyQueue ready)
    {
        if (_published == 0)
            return 0;
        lock (_gate)
        {
            int n = _count;
            for (int i = 0; i < n; i++)
                ready.Enqueue(in _items[i]);
            Array.Clear(_items, 0, n);
            _count = 0;
            _published = 0;
            return n;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            Array.Clear(_items, 0, _count);
            _count = 0;
            _published = 0;
        }
    }
}
