using System.Diagnostics;

namespace Asyncio.Internal;

/// <summary>The loop's FIFO of ready work: fixed-size segments of structs, kept inside the loop object.</summary>
/// <remarks>
/// <para>Segments rather than one ring buffer that doubles: a burst of a million callbacks
/// never copies what is queued, and costs 24 bytes per item instead of the 48 that doubling
/// averages. Each new segment is four times the last, from 64 items up to 4,096 (96 KB, on the
/// large object heap, which the GC never copies: a burst's segments stay where they are while
/// the young Handles in them are promoted, instead of being copied twice with them).</para>
/// <para>A mutable struct, a field of <see cref="EventLoop"/> (never copied: always used in
/// place, or passed by <see langword="ref"/>): the item slots are then two dependent loads
/// from the loop (its field, the array) instead of four (the queue object, its segment, the
/// array), on the path every callback takes twice.</para>
/// <para>Invariant: the live items are <c>_headItems[_headIndex..]</c>, the full segments in
/// <c>_following</c> and <c>_tailItems[.._tailIndex]</c>; when <c>_following</c> is empty the
/// head and the tail are one segment, <c>_headItems[_headIndex.._tailIndex]</c>. A dequeued
/// slot is cleared so the queue holds no garbage. Emptied segments of the largest size are kept
/// for reuse (as a ring buffer keeps its capacity), up to <see cref="MaxSpareSegments"/> of them:
/// a loop that spawns 100,000 tasks at a time allocates no queue memory after the first time,
/// while a burst of millions gives back what it took past that (1.6 million posts
/// used to leave their 400 segments, 38 MB, to the loop for its lifetime).</para>
/// </remarks>
internal struct ReadyQueue
{
    // A loop starts with 64 slots (1.5 KB); a burst grows the segments to 4,096 slots.
    internal const int FirstSegmentSize = 64;
    internal const int MaxSegmentSize = 4096;
    // The retention bound, and the hysteresis: 32 spares of 4,096 slots (3 MB) hold a steady
    // burst of 131,072 items without allocating; past that, segments go to the GC as they empty.
    internal const int MaxSpareSegments = 32;

    private WorkItem[] _headItems;
    private WorkItem[] _tailItems;
    private int _headIndex;
    private int _tailIndex;
    private int _count;
    // The segments after the head, the tail last; touched only at segment boundaries.
    private Queue<WorkItem[]>? _following;
    // Emptied segments of MaxSegmentSize, for reuse.
    private Stack<WorkItem[]>? _spares;

    public ReadyQueue()
    {
        _headItems = _tailItems = new WorkItem[FirstSegmentSize];
    }

    public readonly int Count => _count;

    public void Enqueue(in WorkItem item)
    {
        int index = _tailIndex;
        var items = _tailItems;
        if (index == items.Length)
        {
            items = AddSegment();
            index = 0;
        }
        items[index] = item;
        _tailIndex = index + 1;
        _count++;
        AssertInvariants();
    }

    public WorkItem Dequeue()
    {
        Debug.Assert(_count > 0, "dequeue from an empty ready queue");
        int index = _headIndex;
        var items = _headItems;
        if (index == items.Length)
        {
            items = DropHeadSegment();
            index = 0;
        }
        var item = items[index];
        items[index] = default;
        if (--_count == 0)
        {
            // Empty, so one segment: start over at its front, so that a loop that never
            // queues much stays in the first slots of one segment.
            Debug.Assert(ReferenceEquals(_headItems, _tailItems));
            _headIndex = 0;
            _tailIndex = 0;
        }
        else
        {
            _headIndex = index + 1;
        }
        AssertInvariants();
        return item;
    }

    /// <summary>The item at <paramref name="index"/> from the head, left in place (the text trace names what a callback scheduled).</summary>
    /// <remarks>Walks the segments: for diagnostics, not for the loop's own paths.</remarks>
    public readonly WorkItem PeekAt(int index)
    {
        Debug.Assert((uint)index < (uint)_count, "peek past the ready queue's end");
        int inHead = (_following is { Count: > 0 } ? _headItems.Length : _tailIndex) - _headIndex;
        if (index < inHead)
            return _headItems[_headIndex + index];
        index -= inHead;
        foreach (var segment in _following!)
        {
            if (index < segment.Length)
                return segment[index];
            index -= segment.Length;
        }
        throw new InvalidOperationException("index past the ready queue's end");
    }

    // The invariant above, in O(1) per call on the hot path (Debug builds only): the counts are
    // summed over the segments only while there are few of them, so a Debug burst stays linear.
    [Conditional("DEBUG")]
    private readonly void AssertInvariants()
    {
        Debug.Assert((uint)_headIndex <= (uint)_headItems.Length && (uint)_tailIndex <= (uint)_tailItems.Length,
            "ReadyQueue: an index is outside its segment");
        int following = _following?.Count ?? 0;
        Debug.Assert((following == 0) == ReferenceEquals(_headItems, _tailItems),
            "ReadyQueue: the head and the tail are one segment exactly when no segment follows the head");
        if (following == 0)
        {
            Debug.Assert(_count == _tailIndex - _headIndex, "ReadyQueue: the count is not the one segment's live slots");
        }
        else if (following <= 4)
        {
            // The tail is the last of _following; the segments between are full.
            int live = _headItems.Length - _headIndex + _tailIndex - _tailItems.Length;
            foreach (var segment in _following!)
                live += segment.Length;
            Debug.Assert(_count == live, "ReadyQueue: the count is not the live slots of the segments");
        }
        Debug.Assert(_count > 0 || (_headIndex == 0 && _tailIndex == 0), "ReadyQueue: an empty queue does not start over at its front");
        Debug.Assert(_headIndex == 0 || _headItems[_headIndex - 1].IsEmpty, "ReadyQueue: a dequeued slot still holds its item");
        Debug.Assert((_spares?.Count ?? 0) <= MaxSpareSegments, "ReadyQueue: more spare segments than the bound");
    }

    /// <summary>The slots the queue holds, in use or spare (tests: the retention after a burst).</summary>
    internal readonly int Capacity
    {
        get
        {
            int slots = _headItems.Length + (_spares?.Count ?? 0) * MaxSegmentSize;
            if (_following is not null)
            {
                foreach (var segment in _following)
                    slots += segment.Length;
            }
            return slots;
        }
    }

    /// <summary>Drops everything queued (used by <c>Close</c>).</summary>
    public void Clear() => this = new ReadyQueue();

    private WorkItem[] AddSegment()
    {
        var segment = _spares is { Count: > 0 } spares
            ? spares.Pop()
            : new WorkItem[Math.Min(_tailItems.Length * 4, MaxSegmentSize)];
        (_following ??= new Queue<WorkItem[]>()).Enqueue(segment);
        _tailItems = segment;
        _tailIndex = 0;
        return segment;
    }

    private WorkItem[] DropHeadSegment()
    {
        // Its slots were cleared as they were dequeued. At a segment boundary only, so the bound
        // costs the per-item path nothing.
        if (_headItems.Length == MaxSegmentSize && (_spares is null || _spares.Count < MaxSpareSegments))
            (_spares ??= new Stack<WorkItem[]>()).Push(_headItems);
        _headItems = _following!.Dequeue();
        _headIndex = 0;
        return _headItems;
    }
}
