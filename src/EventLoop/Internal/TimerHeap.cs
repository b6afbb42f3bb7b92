using System.Buffers;
using System.Diagnostics;

namespace Asyncio.Internal;

/// <summary>The loop's scheduled timers: a 4-ary min-heap ordered by (deadline, sequence).</summary>
/// <remarks>
/// <para>The sequence number is the order of scheduling, so equal deadlines fire in the order they
/// were scheduled: asyncio leaves that order undefined, we promise it. Cancelled timers stay in
/// the heap until they reach the top or until <see cref="RemoveCancelled"/> compacts the heap,
/// which the loop does once they are more than half of it (as asyncio's
/// <c>_MIN_CANCELLED_TIMER_HANDLES_FRACTION</c>), so memory stays bounded under mass cancellation.</para>
/// <para>Entries are structs that carry their (deadline, sequence) key beside the handle: sifting
/// compares keys within the array and never follows a reference, which keeps a heap of
/// 100,000s of timers cache-friendly.</para>
/// <para>Why four children per node rather than two (.NET's <c>PriorityQueue</c> has four too): popping is
/// bound by cache misses in the lower levels, not by comparisons. A 4-ary heap is half as deep
/// (9 levels instead of 18 for 200,000 timers) and a node's four children are adjacent
/// (96 bytes, two cache lines), so each level costs about one miss instead of one per level of
/// twice as many.</para>
/// <para>Invariant: <c>_heap[0.._count)</c> is a 4-ary min-heap on (deadline, sequence), each
/// entry keyed by its handle's deadline; the slots past <c>_count</c> are cleared, so the heap
/// keeps no handle alive and the pool gets cleared arrays back.</para>
/// </remarks>
internal sealed class TimerHeap
{
    private const int Arity = 4;
    private const int Log2Arity = 2;

    private struct Entry
    {
        public double When;
        public long Sequence;
        public TimerHandle Timer;
    }

    // The array is rented from ArrayPool<Entry>.Shared and given back, cleared, whenever the
    // heap grows, shrinks or its loop closes. 200,000 timers are a 4.8 MB array on the large
    // object heap: without the pool each doubling, each shrink after a mass cancellation and
    // each new loop allocates one afresh, which the runtime zeroes and the kernel faults in
    // (workload W2's cancel spent more time there than in the heap's own code). Only this class
    // rents arrays of the private Entry type, so every array in that pool has been cleared.
    // Past MaxPooledLength (262,144 entries, 6 MB: 200,000 timers still fit) arrays are
    // allocated and left to the GC instead: the shared pool would park each doubling of a
    // burst for a minute or more (10 million timers cancelled at once left 768 MB there).
    private const int InitialCapacity = 16;
    internal const int MaxPooledLength = 1 << 18;
    // Below this the heap never shrinks: 1,024 entries are 24 KB.
    internal const int ShrinkFloor = 1024;
    private static ArrayPool<Entry> Pool => ArrayPool<Entry>.Shared;

    private Entry[] _heap = Pool.Rent(InitialCapacity);
    private int _count;
    // Pop shrinks the array by half once the count falls to a quarter of it (growth doubles at
    // full: the factor of two between the two is the hysteresis that keeps a steady load from
    // resizing). Zero for a small array, so the test is the one Pop made for "now empty".
    private int _shrinkAt;

    public int Count => _count;

    /// <summary>The entries the array holds (tests: the retention after a burst).</summary>
    internal int Capacity => _heap.Length;

    public TimerHandle Peek() => _heap[0].Timer;

    /// <summary>The earliest deadline, read without touching the handle.</summary>
    public double PeekWhen() => _heap[0].When;

    /// <summary>Adds <paramref name="timer"/>; <paramref name="sequence"/> orders it after every timer with the same deadline pushed before.</summary>
    public void Push(TimerHandle timer, long sequence)
    {
        if (_count == _heap.Length)
            MoveTo(_heap.Length * 2);
        var entry = new Entry { When = timer.When, Sequence = sequence, Timer = timer };
        SiftUp(_count++, in entry);
        AssertInvariants();
    }

    public TimerHandle Pop()
    {
        var heap = _heap;
        var top = heap[0].Timer;
        int last = --_count;
        var moved = heap[last];
        heap[last] = default;
        if (last <= _shrinkAt)
            return PopNearEmpty(top, in moved, last);
        // Floyd's trick: the entry moved up from the end is among the latest, so it almost always
        // goes back near the bottom. Rather than compare it with the smallest child at every level
        // on the way down, move the hole at the root down to a leaf along the smallest children,
        // then sift the moved entry up from there: one comparison fewer per level, and the way up
        // is usually zero or one step.
        // The first step down finds the timer that fires next, unless the moved entry goes all
        // the way back up. Ask for its handle now, so that the cache miss on it overlaps the rest
        // of this descent and the callback that runs before the loop looks at it again, rather
        // than stalling that look (workload W2, 200,000 timers).
        int hole = 0;
        int child = SmallestChild(heap, hole, last);
        if (child >= 0)
            CachePrefetch.Object(heap[child].Timer);
        while (child >= 0)
        {
            heap[hole] = heap[child];
            hole = child;
            child = SmallestChild(heap, hole, last);
        }
        SiftUp(hole, in moved);
        AssertInvariants();
        return top;
    }

    /// <summary>The end of a <see cref="Pop"/> that left the heap empty or a quarter full: places <paramref name="moved"/>, then halves a large array.</summary>
    private TimerHandle PopNearEmpty(TimerHandle top, in Entry moved, int last)
    {
        if (last > 0)
            SiftDown(0, in moved, last);
        if (_heap.Length > ShrinkFloor)
            MoveTo(Math.Max(ShrinkFloor, _heap.Length / 2));
        AssertInvariants();
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
                entry.Timer.LeftHeap();
            else
                _heap[kept++] = entry;
        }
        Array.Clear(_heap, kept, _count - kept);
        _count = kept;
        // Heapify bottom-up, from the last node that has a child.
        for (int i = (kept - 2) >> Log2Arity; i >= 0; i--)
        {
            var entry = _heap[i];
            SiftDown(i, in entry, kept);
        }
        // Give memory back after a mass cancellation, keeping some room to grow.
        if (_heap.Length > 64 && kept < _heap.Length / 4)
            MoveTo(Math.Max(InitialCapacity, kept * 2));
        AssertInvariants();
    }

    /// <summary>Empties the heap and gives its array back to the pool (the loop is closing).</summary>
    public void Clear()
    {
        Array.Clear(_heap, 0, _count);
        _count = 0;
        Return(_heap);
        _heap = Pool.Rent(InitialCapacity);
        _shrinkAt = 0;
    }

    /// <summary>Moves the entries to a rented array of at least <paramref name="capacity"/> and returns the old one, cleared.</summary>
    private void MoveTo(int capacity)
    {
        var old = _heap;
        var heap = capacity <= MaxPooledLength ? Pool.Rent(capacity) : new Entry[capacity];
        Array.Copy(old, heap, _count);
        Array.Clear(old, 0, _count);
        Return(old);
        _heap = heap;
        _shrinkAt = heap.Length > ShrinkFloor ? heap.Length / 4 : 0;
    }

    /// <summary>Gives a cleared array back to the shared pool, unless it is too large to park there.</summary>
    private static void Return(Entry[] array)
    {
        if (array.Length <= MaxPooledLength)
            Pool.Return(array);
    }

    /// <summary>Moves parents down until <paramref name="item"/>'s slot, starting at the hole <paramref name="i"/>, is found.</summary>
    private void SiftUp(int i, in Entry item)
    {
        var heap = _heap;
        while (i > 0)
        {
            int parent = (i - 1) >> Log2Arity;
            if (!Less(in item, in heap[parent]))
                break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = item;
    }

    /// <summary>Moves smaller children up until <paramref name="item"/>'s slot, starting at the hole <paramref name="i"/>, is found.</summary>
    private void SiftDown(int i, in Entry item, int count)
    {
        var heap = _heap;
        while (true)
        {
            int child = SmallestChild(heap, i, count);
            if (child < 0 || !Less(in heap[child], in item))
                break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = item;
    }

    /// <summary>The index of the smallest of node <paramref name="i"/>'s children among the first <paramref name="count"/> entries, or -1 for a leaf.</summary>
    private static int SmallestChild(Entry[] heap, int i, int count)
    {
        int first = (i << Log2Arity) + 1;
        if (first >= count)
            return -1;
        int end = Math.Min(first + Arity, count);
        int best = first;
        for (int child = first + 1; child < end; child++)
        {
            if (Less(in heap[child], in heap[best]))
                best = child;
        }
        return best;
    }

    // The invariant above (Debug builds only). The whole order is checked while the heap is
    // small; a large one checks the top and its children, so a Debug run of 200,000 timers
    // stays linear.
    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert((uint)_count <= (uint)_heap.Length, "TimerHeap: more entries than slots");
        Debug.Assert(_count == _heap.Length || _heap[_count].Timer is null, "TimerHeap: a slot past the count still holds a handle");
        if (_count == 0)
            return;
        Debug.Assert(_heap[0].When == _heap[0].Timer.When, "TimerHeap: the top's key is not its handle's deadline");
        int checkedCount = _count <= 256 ? _count : Math.Min(_count, Arity + 1);
        for (int i = 1; i < checkedCount; i++)
        {
            Debug.Assert(!Less(in _heap[i], in _heap[(i - 1) >> Log2Arity]),
                "TimerHeap: an entry orders before its parent");
        }
    }

    private static bool Less(in Entry a, in Entry b) =>
        a.When < b.When || (a.When == b.When && a.Sequence < b.Sequence);
}
