using System.Numerics;

namespace Asyncio.Internal;

/// <summary>The loop's only thread-safe entry, and its only lock.</summary>
/// <remarks>
/// Other threads append here (<c>CallSoonThreadsafe</c>, a context's <c>Post</c>); the loop
/// moves the items to the ready queue in arrival order at phase 3 of each iteration, and blocks
/// here at phase 2, so that a post wakes it at once.
/// <para>Memory comes back after a burst: the array grows by doubling while posts arrive faster
/// than the loop drains them, and shrinks back to <see cref="RetainedItems"/> when the loop is
/// about to block (idle), or to twice what a drain moved when that was under a quarter of it.
/// Both checks run once per drain or per block, never per post.</para>
/// </remarks>
internal sealed class Inbox
{
    // What the inbox keeps when idle: 1,024 items, 24 KB, below the large object heap.
    internal const int RetainedItems = 1024;

    private readonly object _gate = new();
    private WorkItem[] _items = new WorkItem[16];
    private int _count;
    // Read without the lock by the loop to skip locking when nothing arrived; a stale zero only
    // delays the items to the next iteration, and the loop never blocks without re-checking
    // _count under the lock.
    private volatile int _published;
    private bool _loopWaiting;
    private bool _closed; // under _gate: the loop closed, and every later post is refused

    // Once the loop watches file descriptors it blocks in their selector instead of on _gate,
    // and a post wakes it through the selector's eventfd.
    private EpollSelector? _selector;

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
            {
                _loopWaiting = false; // one wake-up is enough: the next post need not pay for another
                if (_selector is null)
                    Monitor.Pulse(_gate);
                else
                    _selector.Wake();
            }
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

    /// <summary>From now on, blocks in <paramref name="selector"/> (loop thread, not while waiting).</summary>
    public void UseSelector(EpollSelector selector)
    {
        lock (_gate)
            _selector = selector;
    }

    /// <summary>Blocks the loop thread for at most <paramref name="milliseconds"/> (-1: no limit), unless items are waiting; with a selector, until a watched descriptor is ready too.</summary>
    public void Wait(int milliseconds)
    {
        EpollSelector? selector;
        bool posted;
        lock (_gate)
        {
            selector = _selector;
            posted = _count != 0;
            if (!posted)
            {
                // Idle: what a burst grew can go back now, before the loop sleeps.
                if (_items.Length > RetainedItems)
                    _items = new WorkItem[RetainedItems];
                _loopWaiting = true;
                if (selector is null)
                {
                    try
                    {
                        Monitor.Wait(_gate, milliseconds);
                    }
                    finally
                    {
                        _loopWaiting = false;
                    }
                    return;
                }
            }
        }
        if (posted)
        {
            // Posts are waiting, but the descriptors are still polled (asyncio's select(0)),
            // outside the lock, which posting threads need.
            selector?.Poll(0);
            return;
        }
        // Outside the lock: a post in the meantime sees _loopWaiting and signals the eventfd,
        // which ends the wait at once even if it has not started yet.
        try
        {
            selector!.Poll(milliseconds); // not null: without a selector the wait returned above
        }
        finally
        {
            lock (_gate)
                _loopWaiting = false;
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
            // Hysteresis: only an array four times larger than this drain shrinks, to twice it,
            // so a steady rate of posts keeps its array.
            if (_items.Length > RetainedItems && n < _items.Length / 4)
                _items = new WorkItem[Math.Max(RetainedItems, (int)BitOperations.RoundUpToPowerOf2((uint)n) * 2)];
            return n;
        }
    }

    /// <summary>The slots the inbox holds (tests: the retention after a burst).</summary>
    internal int Capacity
    {
        get
        {
            lock (_gate)
                return _items.Length;
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
