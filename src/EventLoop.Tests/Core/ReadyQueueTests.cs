using Asyncio.Internal;

namespace Asyncio.Tests.Core;

/// <summary>The ready queue's segments (64 slots, then each four times the last up to 4,096): FIFO order across boundaries, reuse and clearing.</summary>
public class ReadyQueueTests
{
    private const int First = ReadyQueue.FirstSegmentSize;
    private const int Max = ReadyQueue.MaxSegmentSize;

    private static WorkItem Item(int n) => new(n, null, WorkKind.Action);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(First - 1)] // the head on the last slot of the first segment
    [InlineData(First)]     // the head exactly at its end
    [InlineData(First + 256 + 3)]
    public void Burst_AcrossEverySegmentSize_ComesOutInOrder_WhereverTheHeadWas(int headStart)
    {
        var queue = new ReadyQueue();
        int next = 0, expected = 0;
        queue.Enqueue(Item(next++)); // keeps the queue from emptying (and starting over at slot 0)
        for (int i = 0; i < headStart; i++)
            queue.Enqueue(Item(next++));
        for (int i = 0; i < headStart; i++)
            Assert.Equal(expected++, (int)queue.Dequeue().Callback);

        for (int i = 0; i < 3 * Max + 7; i++) // 64, 256, 1,024, then 4,096s
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
                if (next < 10 * Max)
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
        for (int i = 0; i < 2 * Max + 3; i++)
            queue.Enqueue(Item(i));
        queue.Clear();
        Assert.Equal(0, queue.Count);

        queue.Enqueue(Item(41));
        queue.Enqueue(Item(42));
        Assert.Equal(41, (int)queue.Dequeue().Callback);
        Assert.Equal(42, (int)queue.Dequeue().Callback);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void ASecondBurst_NoLargerThanTheFirst_AllocatesNothing()
    {
        // The emptied segments are kept, as a ring buffer keeps its capacity: a loop that
        // spawns 100,000 tasks at a time pays for its queue once.
        var queue = new ReadyQueue();
        var item = new WorkItem(new object(), null, WorkKind.Action);
        void Burst()
        {
            for (int i = 0; i < 5 * Max; i++)
                queue.Enqueue(in item);
            while (queue.Count > 0)
                queue.Dequeue();
        }
        Burst();

        long before = GC.GetAllocatedBytesForCurrentThread();
        Burst();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
