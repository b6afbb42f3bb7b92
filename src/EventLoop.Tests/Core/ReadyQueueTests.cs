using Asyncio.Internal;

namespace Asyncio.Tests.Core;

/// <summary>The ready queue's ring buffer: FIFO order across wrap-around and growth.</summary>
public class ReadyQueueTests
{
    private static WorkItem Item(int n) => new(n, null, WorkKind.Action);

    [Theory]
    [InlineData(0)]    // grows with its head at the start: one block to copy
    [InlineData(40)]   // grows while wrapped around: the items at the end, then those at the start
    [InlineData(63)]   // the head on the last slot
    public void Grow_KeepsTheOrder_WhereverTheHeadIs(int headStart)
    {
        var queue = new ReadyQueue();
        int next = 0, expected = 0;
        for (int i = 0; i < headStart; i++)
            queue.Enqueue(Item(next++));
        for (int i = 0; i < headStart; i++)
            Assert.Equal(expected++, (int)queue.Dequeue().Callback);

        for (int i = 0; i < 1000; i++) // 64 slots to start with: grows four times
            queue.Enqueue(Item(next++));

        Assert.Equal(1000, queue.Count);
        while (queue.Count > 0)
            Assert.Equal(expected++, (int)queue.Dequeue().Callback);
        Assert.Equal(next, expected);
    }
}
