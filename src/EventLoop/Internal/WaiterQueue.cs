using System.Diagnostics;

namespace Asyncio.Internal;

/// <summary>The FIFO of waiters shared by every synchronisation primitive: asyncio's <c>collections.deque()</c> of Futures.</summary>
/// <remarks>
/// <para>A growable ring buffer of pending (or just woken) Futures. asyncio's primitives keep a
/// waiter in their deque until the waiting coroutine itself removes it after its <c>await</c>:
/// a woken waiter stays at the head, done but not yet resumed, and that is what makes the
/// wake-up rules work (a newcomer sees it and queues behind it; a cancelled one passes its
/// wake-up on). The queues instead pop their waiters when waking them. Both shapes are here.</para>
/// <para>Invariant: the live items are <c>_items[(_head + i) &amp; mask]</c> for
/// <c>i &lt; _count</c>, the capacity is a power of two, and free slots hold null.</para>
/// <para>Loop thread only, as the primitives that own it. The primitives allocate it on first
/// wait, so an uncontended acquire or put allocates nothing.</para>
/// </remarks>
internal sealed class WaiterQueue
{
    private Future<bool>?[] _items = new Future<bool>?[4];
    private int _head;
    private int _count;
    private readonly object _owner;

    /// <summary>A queue for the primitive <paramref name="owner"/>, which task dumps and deadlock reports name as what a waiter waits on.</summary>
    public WaiterQueue(object owner) => _owner = owner;

    public int Count => _count;

    /// <summary>The <paramref name="index"/>-th waiter from the head (0 is the oldest).</summary>
    public Future<bool> this[int index]
    {
        get
        {
            Debug.Assert((uint)index < (uint)_count);
            return _items[(_head + index) & (_items.Length - 1)]!;
        }
    }

    /// <summary>asyncio's <c>deque.append(fut)</c>.</summary>
    public void Enqueue(WaiterFuture waiter)
    {
        waiter.SetOwner(_owner);
        if (_count == _items.Length)
            Grow();
        _items[(_head + _count) & (_items.Length - 1)] = waiter;
        _count++;
    }

    /// <summary>asyncio's <c>deque.popleft()</c>.</summary>
    public Future<bool> Dequeue()
    {
        Debug.Assert(_count > 0, "dequeue from an empty waiter queue");
        var waiter = _items[_head]!;
        _items[_head] = null;
        _head = (_head + 1) & (_items.Length - 1);
        _count--;
        return waiter;
    }

    /// <summary>asyncio's <c>deque.remove(fut)</c>, except that a missing waiter is not an error; true when found.</summary>
    /// <remarks>The waiter to remove is almost always at or near the head: search from there.</remarks>
    public bool Remove(Future<bool> waiter)
    {
        int mask = _items.Length - 1;
        for (int i = 0; i < _count; i++)
        {
            if (!ReferenceEquals(_items[(_head + i) & mask], waiter))
                continue;
            if (i == 0)
            {
                _ = Dequeue(); // the waiter is removed, not awaited here
                return true;
            }
            // Close the gap by moving the later waiters one slot forward, keeping their order.
            for (int j = i; j < _count - 1; j++)
                _items[(_head + j) & mask] = _items[(_head + j + 1) & mask];
            _items[(_head + _count - 1) & mask] = null;
            _count--;
            return true;
        }
        return false;
    }

    /// <summary>Whether every waiter is cancelled (true when there is none): asyncio's <c>all(w.cancelled() for w in waiters)</c>.</summary>
    public bool AllCancelled()
    {
        int mask = _items.Length - 1;
        for (int i = 0; i < _count; i++)
        {
            if (!_items[(_head + i) & mask]!.Cancelled)
                return false;
        }
        return true;
    }

    /// <summary>Completes the first waiter that is not done yet with <paramref name="result"/>, leaving it queued; false when there is none.</summary>
    /// <remarks>asyncio's <c>Semaphore._wake_up_next</c> and, for the head only, <c>Lock._wake_up_first</c>.</remarks>
    public bool WakeFirstPending(bool result)
    {
        int mask = _items.Length - 1;
        for (int i = 0; i < _count; i++)
        {
            var waiter = _items[(_head + i) & mask]!;
            if (!waiter.Done)
            {
                waiter.SetResult(result);
                return true;
            }
        }
        return false;
    }

    /// <summary>Pops waiters until one that is not done, and completes it: asyncio's <c>Queue._wakeup_next</c>.</summary>
    public void PopAndWakeNext()
    {
        while (_count > 0)
        {
            var waiter = Dequeue();
            if (!waiter.Done)
            {
                waiter.SetResult(true);
                return;
            }
        }
    }

    private void Grow()
    {
        var bigger = new Future<bool>?[_items.Length * 2];
        for (int i = 0; i < _count; i++)
            bigger[i] = _items[(_head + i) & (_items.Length - 1)];
        _items = bigger;
        _head = 0;
    }
}
