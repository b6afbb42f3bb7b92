using Asyncio.Internal;

namespace Asyncio.Tests.Core;

/// <summary>The ready queue's segments: FIFO order across segment boundaries, reuse and clearing.</summary>
public class ReadyQueueTests
{
    private const int Segment = ReadyQueue.SegmentSize;

    private static WorkItem Item(int n) => new(n, null, WorkKind.Action);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Segment - 1)] // the head on the last slot of its segment
    [InlineData(Segment)]     // the head exactly at a boundary
    public void Burst_OfThreeSegments_ComesOutInOrder_WhereverTheHeadWas(int headStart)
    {
        var queue = new ReadyQueue();
        int next = 0, expected = 0;
        queue.Enqueue(Item(next++)); // keeps the queue from emptying (and starting over at slot 0)
        for (int i = 0; i < headStart; i++)
            queue.Enqueue(Item(next++));
        for (int i = 0; i < headStart; i++)
            Assert.Equal(expected++, (int)queue.Dequeue().Callback);

        for (int i = 0; i < 3 * Segment + 7; i++)
            queue.Enqueue(Item(next++));

        Assert.Equal(next - expected, queue.Count);
        while (queue.Count > 0)
            Assert.Equal(expected++, (int)queue.Dequeue().Callback);
        Assert.Equal(next, expected);
    }

    [Fact]
    public void Interleaved_AsALoopUsesIt_StaysInOrder_AcrossManySegments()
    {
        // Each "iteration" runs what was queued and queues two per item run, up to a limit:
        // the head chases the tail across segments, and emptied segments are reused.
        var queue = new ReadyQueue();
        int next = 0, expected = 0;
        queue.Enqueue(Item(next++));
        while (queue.Count > 0)
        {
            int n = queue.Count;
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(expected++, (int)queue.Dequeue().Callback);
                if (next < 10 * Segment)
                {
                    queue.Enqueue(Item(next++));
                    queue.Enqueue(Item(next++));
                }
            }
        }
        Assert.Equal(next, expected);
    }

    [Fact]
    public void Clear_DropsEverything_AndTheQueueWorksAfterwards()
    {
        var queue = new ReadyQueue();
        for (int i = 0; i < 2 * Segment + 3; i++)
            queue.Enqueue(Item(i));
        queue.Clear();
        Assert.Equal(0, queue.Count);

        queue.Enqueue(Item(41));
        queue.Enqueue(Item(42));
        Assert.Equal(41, (int)queue.Dequeue().Callback);
        Assert.Equal(42, (int)queue.Dequeue().Callback);
        Assert.Equal(0, queue.Count);
    }
}
