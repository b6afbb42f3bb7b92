using System.Diagnostics;

namespace Asyncio.Internal;

/// <summary>The loop's FIFO of ready work: a linked list of fixed-size segments of structs.</summary>
/// <remarks>
/// <para>Segments rather than one ring buffer that doubles: a burst of a million callbacks
/// never copies what is queued, never makes one array on the large object heap, and costs 24
/// bytes per item instead of the 48 that doubling averages. It also spares the GC: every
/// young Handle stored into a large, old array marks a card that each gen0 collection must
/// scan again, while a segment is young itself when it is filled.</para>
/// <para>Invariant: the live items are <c>_head.Items[_headIndex..]</c>, the full segments after
/// it, and <c>_tail.Items[..<see cref="_tailIndex"/>]</c> (one segment when <c>_head == _tail</c>);
/// a dequeued slot is cleared so the queue holds no garbage. One emptied segment is kept for
/// reuse, so a loop whose queue stays under a segment or two allocates nothing.</para>
/// </remarks>
internal sealed class ReadyQueue
{
    // 1,024 items of 24 bytes: 24 KB, under the large object heap's 85,000-byte threshold.
    internal const int SegmentSize = 1024;

    private sealed class Segment
    {
        public readonly WorkItem[] Items = new WorkItem[SegmentSize];
        public Segment? Next;
    }

    private Segment _head;
    private Segment _tail;
    private int _headIndex;
    private int _tailIndex;
    private int _count;
    private Segment? _spare;

    public ReadyQueue()
    {
        _head = _tail = new Segment();
    }

    public int Count => _count;

    public void Enqueue(in WorkItem item)
    {
        int index = _tailIndex;
        if (index == SegmentSize)
        {
            AddSegment();
            index = 0;
        }
        _tail.Items[index] = item;
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
        var items = _head.Items;
        var item = items[index];
        items[index] = default;
        if (--_count == 0 && ReferenceEquals(_head, _tail))
        {
            // Empty: start over at the front, so that a loop that never queues much stays in
            // the first slots of one segment.
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
    public void Clear()
    {
        _head = _tail = new Segment();
        _headIndex = 0;
        _tailIndex = 0;
        _count = 0;
        _spare = null;
    }

    private void AddSegment()
    {
        var segment = _spare ?? new Segment();
        _spare = null;
        _tail.Next = segment;
        _tail = segment;
        _tailIndex = 0;
    }

    private void DropHeadSegment()
    {
        var emptied = _head;
        _head = emptied.Next!;
        emptied.Next = null;
        _spare = emptied; // its slots were cleared as they were dequeued
        _headIndex = 0;
    }
}
