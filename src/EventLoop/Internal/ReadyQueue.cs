using System.Diagnostics;

namespace Asyncio.Internal;

/// <summary>The loop's FIFO of ready work: a growable ring buffer of structs.</summary>
/// <remarks>
/// Invariant: the live items are <c>_items[(_head + i) &amp; mask]</c> for <c>i &lt; _count</c>;
/// the capacity is a power of two; a dequeued slot is cleared so the queue holds no garbage.
/// </remarks>
internal sealed class ReadyQueue
{
    private WorkItem[] _items = new WorkItem[64];
    private int _head;
    private int _count;

    public int Count => _count;

    public void Enqueue(in WorkItem item)
    {
        var items = _items;
        if (_count == items.Length)
        {
            Grow();
            items = _items;
        }
        items[(_head + _count) & (items.Length - 1)] = item;
        _count++;
    }

    public WorkItem Dequeue()
    {
        Debug.Assert(_count > 0, "dequeue from an empty ready queue");
        var items = _items;
        var item = items[_head];
        items[_head] = default;
        _head = (_head + 1) & (items.Length - 1);
        _count--;
        return item;
    }

    /// <summary>Drops everything queued (used by <c>Close</c>).</summary>
    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        _count = 0;
    }

    private void Grow()
    {
        // Two block copies (head to the end, then the wrapped start) rather than an item at a
        // time: a block copy marks the GC's cards in bulk instead of one write barrier per
        // reference, which is what a million queued callbacks spent regrowing the queue.
        var items = _items;
        var bigger = new WorkItem[items.Length * 2];
        int toEnd = Math.Min(_count, items.Length - _head);
        Array.Copy(items, _head, bigger, 0, toEnd);
        Array.Copy(items, 0, bigger, toEnd, _count - toEnd);
        _items = bigger;
        _head = 0;
    }
}
