using System.Diagnostics;

namespace Asyncio.Internal;

/// <summary>The loop's FIFO of ready work: fixed-size segments of structs, kept inside the loop object.</summary>
/// <remarks>
/// <para>Segments rather than one ring buffer that doubles: a burst of a million callbacks
/// never copies what is queued, never makes one array on the large object heap, and costs 24
/// bytes per item instead of the 48 that doubling averages.</para>
/// <para>A mutable struct, a field of <see cref="EventLoop"/> (never copied: always used in
/// place, or passed by <see langword="ref"/>): the item slots are then two dependent loads
/// from the loop (its field, the array) instead of four (the queue object, its segment, the
/// array), on the path every callback takes twice.</para>
/// <para>Invariant: the live items are <c>_headItems[_headIndex..]</c>, the full segments in
/// <c>_following</c> and <c>_tailItems[.._tailIndex]</c>; when <c>_following</c> is empty the
/// head and the tail are one segment, <c>_headItems[_headIndex.._tailIndex]</c>. A dequeued
/// slot is cleared so the queue holds no garbage. One emptied segment is kept for reuse, so a
/// loop whose queue stays under a segment or two allocates nothing.</para>
/// </remarks>
internal struct ReadyQueue
{
    // 1,024 items of 24 bytes: 24 KB, under the large object heap's 85,000-byte threshold.
    internal const int SegmentSize = 1024;

    private WorkItem[] _headItems;
    private WorkItem[] _tailItems;
    private int _headIndex;
    private int _tailIndex;
    private int _count;
    // The segments after the head, the tail last; touched only at segment boundaries.
    private Queue<WorkItem[]>? _following;
    private WorkItem[]? _spare;

    public ReadyQueue()
    {
        _headItems = _tailItems = new WorkItem[SegmentSize];
    }

    public readonly int Count => _count;

    public void Enqueue(in WorkItem item)
    {
        int index = _tailIndex;
        if (index == SegmentSize)
        {
            AddSegment();
            index = 0;
        }
        _tailItems[index] = item;
        _tailIndex = index + 1;
        _count++;
    }

    public WorkItem Dequeue()
    {
        Debug.Assert(_count > 0, "dequeue from an empty ready queue");
        int index = _headIndex;
        if (index == SegmentSize)
        {
            DropHeadSegment();
            index = 0;
        }
        var items = _headItems;
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
        return item;
    }

    /// <summary>Drops everything queued (used by <c>Close</c>).</summary>
    public void Clear() => this = new ReadyQueue();

    private void AddSegment()
    {
        var segment = _spare ?? new WorkItem[SegmentSize];
        _spare = null;
        (_following ??= new Queue<WorkItem[]>()).Enqueue(segment);
        _tailItems = segment;
        _tailIndex = 0;
    }

    private void DropHeadSegment()
    {
        _spare = _headItems; // its slots were cleared as they were dequeued
        _headItems = _following!.Dequeue();
        _headIndex = 0;
    }
}
