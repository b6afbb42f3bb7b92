namespace Asyncio.Internal;

/// <summary>The loop's scheduled timers: a binary min-heap ordered by (deadline, sequence).</summary>
/// <remarks>
/// The sequence number is the order of scheduling, so equal deadlines fire in the order they
/// were scheduled: asyncio leaves that order undefined, we promise it. Cancelled timers stay in
/// the heap until they reach the top or until <see cref="RemoveCancelled"/> compacts the heap,
/// which the loop does once they are more than half of it (as asyncio's
/// <c>_MIN_CANCELLED_TIMER_HANDLES_FRACTION</c>), so memory stays bounded under mass cancellation.
/// </remarks>
internal sealed class TimerHeap
{
    private TimerHandle[] _heap = new TimerHandle[16];
    private int _count;

    public int Count => _count;

    public TimerHandle Peek() => _heap[0];

    public void Push(TimerHandle timer)
    {
        if (_count == _heap.Length)
            Array.Resize(ref _heap, _heap.Length * 2);
        int i = _count++;
        // Sift up: move parents down until the new timer's slot is found.
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            var p = _heap[parent];
            if (!Less(timer, p))
                break;
            _heap[i] = p;
            i = parent;
        }
        _heap[i] = timer;
    }

    public TimerHandle Pop()
    {
        var top = _heap[0];
        int last = --_count;
        var moved = _heap[last];
        _heap[last] = null!;
        if (last > 0)
            SiftDown(0, moved, last);
        return top;
    }

    /// <summary>Removes every cancelled timer and restores the heap order in O(n).</summary>
    public void RemoveCancelled()
    {
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            var t = _heap[i];
            if (t.Cancelled)
                t.InHeap = false;
            else
                _heap[kept++] = t;
        }
        Array.Clear(_heap, kept, _count - kept);
        _count = kept;
        for (int i = (kept >> 1) - 1; i >= 0; i--)
            SiftDown(i, _heap[i], kept);
        // Give memory back after a mass cancellation, keeping some room to grow.
        if (_heap.Length > 64 && kept < _heap.Length / 4)
            Array.Resize(ref _heap, Math.Max(16, kept * 2));
    }

    public void Clear()
    {
        Array.Clear(_heap, 0, _count);
        _count = 0;
    }

    private void SiftDown(int i, TimerHandle item, int count)
    {
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= count)
                break;
            if (child + 1 < count && Less(_heap[child + 1], _heap[child]))
                child++;
            if (!Less(_heap[child], item))
                break;
            _heap[i] = _heap[child];
            i = child;
        }
        _heap[i] = item;
    }

    private static bool Less(TimerHandle a, TimerHandle b) =>
        a.When < b.When || (a.When == b.When && a.Sequence < b.Sequence);
}
