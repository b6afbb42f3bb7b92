namespace Asyncio.Tests.Core;

/// <summary>TimeSpan twins of the members that take a duration in seconds; loop time itself stays seconds.</summary>
public class TimeSpanTests : LoopTest
{
    [Fact]
    public void Timeout_TimeSpan_CompilesAndTimesOutAtTheDeadline()
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            try
            {
                await loop.Timeout(TimeSpan.FromMilliseconds(1500), async () => await loop.Sleep(10));
            }
            catch (TimeoutException)
            {
                log.Add("timeout at " + loop.Time());
            }
            int value = await loop.Timeout(TimeSpan.FromSeconds(1), async scope =>
            {
                log.Add("deadline " + scope.When);
                await loop.Sleep(0.5);
                return 4;
            });
            log.Add("value " + value);
        });
        Assert.Equal(["timeout at 1.5", "deadline 2.5", "value 4"], log);
    }

    [Fact]
    public void Timeout_InfiniteTimeSpan_MeansNoDeadline()
    {
        var loop = NewLoop();
        double? when = -1;
        loop.RunUntilComplete(() => loop.Timeout(System.Threading.Timeout.InfiniteTimeSpan, async scope =>
        {
            when = scope.When;
            await loop.Sleep(100);
        }));
        Assert.Null(when);
        Assert.Equal(100.0, loop.Time());
    }

    [Fact]
    public void WaitFor_TimeSpan_TimesOutAtTheDeadline()
    {
        var loop = NewLoop();
        loop.RunUntilComplete(() => Raises<TimeoutException>(() => loop.WaitFor(() => loop.Sleep(5), TimeSpan.FromSeconds(2))));
        Assert.Equal(2.0, loop.Time());
    }

    [Fact]
    public void Wait_TimeSpan_ReturnsAtTheTimeout()
    {
        var loop = NewLoop();
        var future = loop.CreateFuture<int>();
        var (done, pending) = loop.RunUntilComplete(() => loop.Wait([future], TimeSpan.FromSeconds(3)));
        Assert.Empty(done);
        Assert.Single(pending);
        Assert.Equal(3.0, loop.Time());
    }

    [Fact]
    public void AsCompleted_TimeSpan_ThrowsTimeoutForTheRest()
    {
        var loop = NewLoop();
        var future = loop.CreateFuture<int>();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            foreach (var next in loop.AsCompleted([future], TimeSpan.FromSeconds(2)))
            {
                try
                {
                    await next;
                }
                catch (TimeoutException)
                {
                    log.Add("timeout at " + loop.Time());
                }
            }
        });
        Assert.Equal(["timeout at 2"], log);
    }

    [Fact]
    public void SleepWithResult_TimeSpan_ReturnsTheResultAfterTheDelay()
    {
        var loop = NewLoop();
        Assert.Equal("x", loop.RunUntilComplete(() => loop.Sleep(TimeSpan.FromSeconds(2), "x")));
        Assert.Equal(2.0, loop.Time());
    }

    [Fact]
    public void SleepWithToken_TokenFires_EndsTheSleepWithOperationCanceled()
    {
        var loop = NewLoop();
        using var cts = new CancellationTokenSource();
        loop.CallLater(1, cts.Cancel);
        loop.RunUntilComplete(() => Raises<OperationCanceledException>(() => loop.Sleep(TimeSpan.FromSeconds(5), cts.Token)));
        Assert.Equal(1.0, loop.Time());
        Assert.Equal(0, loop.TimerCount); // the sleep's timer went with it
    }

    [Fact]
    public void AdvanceTime_TimeSpan_MovesTheClock()
    {
        var loop = NewLoop();
        loop.AdvanceTime(TimeSpan.FromMilliseconds(250));
        Assert.Equal(0.25, loop.Time());
    }

    [Fact]
    public void SlowCallbackTimeSpan_IsSlowCallbackDurationAsTimeSpan()
    {
        var loop = NewLoop();
        loop.SlowCallbackTimeSpan = TimeSpan.FromMilliseconds(50);
        Assert.Equal(0.05, loop.SlowCallbackDuration);
        Assert.Equal(TimeSpan.FromMilliseconds(50), loop.SlowCallbackTimeSpan);
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.SlowCallbackTimeSpan = TimeSpan.FromSeconds(-1));
    }
}
