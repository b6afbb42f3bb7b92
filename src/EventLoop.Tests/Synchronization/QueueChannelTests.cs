using System.Threading.Channels;

namespace Asyncio.Tests.Synchronization;

// Tests about threads: these use real threads, by design.
public class QueueChannelTests : LoopTest
{
    [Fact]
    public void Writer_FromSeveralThreads_ReachesLoopTasksInEachThreadsOrder()
    {
        const int Threads = 4, PerThread = 500;
        var loop = NewLoop();
        var queue = new AsyncQueue<(int Thread, int N)>(maxSize: 8);
        var channel = queue.AsChannel(loop);
        var received = new List<(int Thread, int N)>();
        bool allOnLoopThread = true;
        int loopThread = 0;

        loop.RunUntilComplete(async () =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            var producers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                for (int i = 0; i < PerThread; i++)
                {
                    if (i % 2 == 0)
                        Assert.True(channel.Writer.TryWrite((t, i)));
                    else
                        channel.Writer.WriteAsync((t, i)).AsTask().GetAwaiter().GetResult();
                }
            })).ToList();
            var closer = new Thread(() =>
            {
                producers.ForEach(p => p.Start());
                producers.ForEach(p => p.Join());
                channel.Writer.Complete();
            });
            closer.Start();
            try
            {
                while (true)
                {
                    var item = await queue.GetAsync();
                    allOnLoopThread &= Environment.CurrentManagedThreadId == loopThread;
                    Assert.True(queue.Count <= 8);
                    received.Add(item);
                }
            }
            catch (QueueShutDownError)
            {
            }
            closer.Join();
        });

        Assert.True(allOnLoopThread);
        Assert.Equal(Threads * PerThread, received.Count);
        for (int t = 0; t < Threads; t++)
            Assert.Equal(Enumerable.Range(0, PerThread), received.Where(x => x.Thread == t).Select(x => x.N));
        Assert.False(channel.Writer.TryWrite((0, 0)));
    }

    [Fact]
    public void Reader_FromAnotherThread_ReadsAllThenSeesCompletion()
    {
        var loop = NewLoop();
        var queue = new AsyncQueue<int>(maxSize: 2);
        var channel = queue.AsChannel(loop);
        var read = new List<int>();
        loop.RunUntilComplete(async () =>
        {
            var reader = Task.Run(async () =>
            {
                await foreach (int item in channel.Reader.ReadAllAsync())
                    read.Add(item);
            });
            for (int i = 0; i < 20; i++)
                await queue.PutAsync(i);
            channel.Writer.Complete();
            await reader;
        });
        Assert.Equal(Enumerable.Range(0, 20), read);
    }

    [Fact]
    public void ChannelOnLoop_TryWriteAndTryRead_ActOnTheQueueDirectly()
    {
        var loop = NewLoop();
        var queue = new AsyncQueue<int>(maxSize: 1);
        loop.RunUntilComplete(async () =>
        {
            var channel = queue.AsChannel();
            Assert.True(channel.Writer.TryWrite(1));
            Assert.False(channel.Writer.TryWrite(2));
            Assert.Equal(1, queue.Count);
            Assert.True(channel.Reader.TryRead(out int item));
            Assert.Equal(1, item);
            Assert.False(channel.Reader.TryRead(out _));
            var reading = loop.CreateTask(async () => await channel.Reader.ReadAsync());
            await loop.Sleep(0);
            await channel.Writer.WriteAsync(5);
            Assert.Equal(5, await reading);
            channel.Writer.Complete();
            Assert.True(queue.IsShutDown);
            Assert.False(await channel.Reader.WaitToReadAsync());
            await Assert.ThrowsAsync<ChannelClosedException>(async () => await channel.Reader.ReadAsync());
        });
    }

    [Fact]
    public void ReaderCompletion_CompletesWhenTheWriterIsDoneAndEverythingIsRead()
    {
        var loop = NewLoop();
        var queue = new AsyncQueue<int>();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            var channel = queue.AsChannel();
            channel.Writer.TryWrite(1);
            channel.Writer.TryWrite(2);
            channel.Writer.Complete();
            Assert.False(channel.Reader.Completion.IsCompleted); // two items still to read
            Assert.True(channel.Reader.TryRead(out int a));
            Assert.True(channel.Reader.TryRead(out int b));
            log.Add($"{a} {b}");
            await channel.Reader.Completion;
            log.Add("completed");
        });
        Assert.Equal(["1 2", "completed"], log);
    }

    [Fact]
    public void WriterCompleteWithError_ReachesReadersAndCompletion()
    {
        var loop = NewLoop();
        var queue = new AsyncQueue<int>();
        var error = new FormatException("producer failed");
        Exception? readError = null, completionError = null;
        loop.RunUntilComplete(async () =>
        {
            var channel = queue.AsChannel();
            channel.Writer.Complete(error);
            try { await channel.Reader.ReadAsync(); }
            catch (ChannelClosedException e) { readError = e.InnerException; }
            try { await channel.Reader.Completion; }
            catch (FormatException e) { completionError = e; }
        });
        Assert.Same(error, readError);
        Assert.Same(error, completionError);
    }

    [Fact]
    public void BclChannelReader_AwaitedFromLoopTask_ResumesOnTheLoop()
    {
        var loop = NewLoop();
        var channel = Channel.CreateUnbounded<int>();
        var sums = new List<int>();
        bool onLoop = true;
        loop.RunUntilComplete(async () =>
        {
            int loopThread = Environment.CurrentManagedThreadId;
            var me = loop.CurrentTask;
            var writer = new Thread(() =>
            {
                for (int i = 1; i <= 50; i++)
                {
                    channel.Writer.TryWrite(i);
                    if (i % 10 == 0)
                        Thread.Sleep(1);
                }
                channel.Writer.Complete();
            });
            writer.Start();
            int sum = 0;
            while (await channel.Reader.WaitToReadAsync())
            {
                onLoop &= Environment.CurrentManagedThreadId == loopThread && loop.CurrentTask == me;
                while (channel.Reader.TryRead(out int item))
                    sum += item;
            }
            sums.Add(sum);
            writer.Join();
        });
        Assert.True(onLoop);
        Assert.Equal([1275], sums);
    }
}
