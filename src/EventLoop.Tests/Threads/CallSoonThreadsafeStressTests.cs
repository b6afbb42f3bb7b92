namespace Asyncio.Tests.Threads;

/// <summary>Many producer threads feeding one loop through its inbox.</summary>
public class CallSoonThreadsafeStressTests : LoopTest
{
    [Fact]
    public void CallSoonThreadsafe_FourProducersOneMillionCallbacks_EachRunsOnceInItsThreadsOrder()
    {
        const int Producers = 4;
        const int PerProducer = 250_000;
        var loop = NewRealLoop();
        var next = new int[Producers];
        int ran = 0;
        int outOfOrder = 0;
        int wrongThread = 0;
        int loopThread = Environment.CurrentManagedThreadId;
        Action<long> record = packed =>
        {
            int producer = (int)(packed >> 32);
            int sequence = (int)packed;
            if (Environment.CurrentManagedThreadId != loopThread)
                wrongThread++;
            if (next[producer] != sequence)
                outOfOrder++;
            next[producer] = sequence + 1;
            if (++ran == Producers * PerProducer)
                loop.Stop();
        };
        using var start = new Barrier(Producers);
        var threads = Enumerable.Range(0, Producers).Select(p => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < PerProducer; i++)
                loop.CallSoonThreadsafe(record, ((long)p << 32) | (uint)i);
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        bool timedOut = false;
        loop.CallLater(60, () =>
        {
            timedOut = true;
            loop.Stop();
        });

        loop.RunForever();

        Assert.All(threads, t => Assert.True(t.Join(TimeSpan.FromSeconds(10))));
        Assert.False(timedOut, $"only {ran} callbacks ran within the time guard");
        // Let anything posted after the last expected callback show itself.
        RunOnceAfterProducers(loop);
        Assert.Equal(Producers * PerProducer, ran);
        Assert.Equal(0, outOfOrder);
        Assert.Equal(0, wrongThread);
        Assert.All(next, n => Assert.Equal(PerProducer, n));
    }

    private static void RunOnceAfterProducers(EventLoop loop)
    {
        loop.CallSoon(loop.Stop);
        loop.RunForever();
    }

    [Fact]
    public void CallSoonThreadsafe_FromAnotherThread_WakesABlockedLoopPromptly()
    {
        var loop = NewRealLoop();
        double postedAt = 0, ranAt = 0;
        var thread = new Thread(() =>
        {
            Thread.Sleep(50); // the loop is blocked on its empty inbox by now
            postedAt = loop.Time();
            loop.CallSoonThreadsafe(() =>
            {
                ranAt = loop.Time();
                loop.Stop();
            });
        }) { IsBackground = true };
        var guard = loop.CallLater(10, loop.Stop);
        thread.Start();
        loop.RunForever();
        guard.Cancel();
        Assert.True(thread.Join(TimeSpan.FromSeconds(5)));
        Assert.True(ranAt > 0, "the callback never ran");
        Assert.True(ranAt - postedAt < 0.5, $"woken after {ranAt - postedAt:F3} s");
    }
}
