namespace Asyncio.Internal;

/// <summary>The loop's scheduled timers: a binary min-heap ordered by (deadline, sequence).</summary>
/// <remarks>
/// <para>The sequence number is the order of scheduling, so equal deadlines fire in the order they
/// were scheduled: asyncio leaves that order undefined, we promise it. Cancelled timers stay in
/// the heap until they reach the top or until <see cref="RemoveCancelled"/> compacts the heap,
/// which the loop does once they are more than half of it (as asyncio's
/// <c>_MIN_CANCELLED_TIMER_HANDLES_FRACTION</c>), so memory stays bounded under mass cancellation.</para>
/// <para>Entries are structs that carry their (deadline, sequence) key beside the handle: sifting
/// compares keys within the array and never follows a reference, which keeps a heap of
/// 100,000s of timers cache-friendly.</para>
/// </remarks>
internal sealed class TimerHeap
{
    private struct Entry
    {
        public double When;
        public long Sequence;
        public TimerHandle Timer;
    }

    private Entry[] _heap = new Entry[16];
    private int _count;

    public int Count => _count;

    public TimerHandle Peek() => _heap[0].Timer;

    /// <summary>The earliest deadline, read without touching the handle.</summary>
    public double PeekWhen() => _heap[0].When;

    public void Push(TimerHandle timer)
    {
        if (_count == _heap.Length)
            Array.Resize(ref _heap, _heap.Length * 2);
        var entry = new Entry { When = timer.When, Sequence = timer.Sequence, Timer = timer };
        int i = _count++;
        // Sift up: move parents down until the new entry's slot is found.
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Less(in entry, in _heap[parent]))
                break;
            _heap[i] = _heap[parent];
            i = parent;
        }
        _heap[i] = entry;
    }

    public TimerHandle Pop()
    {
        var top = _heap[0].Timer;
        int last = --_count;
        var moved = _heap[last];
        _heap[last] = default;
        if (last > 0)
            SiftDown(0, in moved, last);
        return top;
    }

    /// <summary>Removes every cancelled timer and restores the heap order in O(n).</summary>
    public void RemoveCancelled()
    {
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            var entry = _heap[i];
            if (entry.Timer.Cancelled)
                entry.Timer.InHeap = false;
            else
                _heap[kept++] = entry;
        }
        Array.Clear(_heap, kept, _count - kept);
        _count = kept;
        for (int i = (kept >> 1) - 1; i >= 0; i--)
        {
            var entry = _heap[i];
            SiftDown(i, in entry, kept);
        }
        // Give memory back after a mass cancellation, keeping some room to grow.
        if (_heap.Length > 64 && kept < _heap.Length / 4)
            Array.Resize(ref _heap, Math.Max(16, kept * 2));
    }

    public void Clear()
    {
        Array.Clear(_heap, 0, _count);
        _count = 0;
    }

    private void SiftDown(int i, in Entry item, int count)
    {
        var heap = _heap;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= count)
                break;
            if (child + 1 < count && Less(in heap[child + 1], in heap[child]))
                child++;
            if (!Less(in heap[child], in item))
                break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = item;
    }

    private static bool Less(in Entry a, in Entry b) =>
        a.When < b.When || (a.When == b.When && a.Sequence < b.Sequence);
}
