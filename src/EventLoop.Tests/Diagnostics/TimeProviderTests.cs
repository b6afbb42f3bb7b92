namespace Asyncio.Tests.Diagnostics;

public class TimeProviderTests : LoopTest
{
    [Fact]
    public void TaskDelay_OnLoopTime_AnHourTakesMillisecondsWithExactTimestamps()
    {
        var loop = NewLoop();
        var stamps = new List<double>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        loop.RunUntilComplete(async () =>
        {
            for (int i = 0; i < 60; i++)
            {
                await Task.Delay(TimeSpan.FromMinutes(1), loop.TimeProvider);
                stamps.Add(loop.Time());
            }
        });
        Assert.Equal(Enumerable.Range(1, 60).Select(i => i * 60.0), stamps);
        Assert.Equal(3600.0, loop.Time());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public void PeriodicTimer_TicksAtLoopTimes()
    {
        var loop = NewLoop();
        var ticks = new List<double>();
        loop.RunUntilComplete(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2.5), loop.TimeProvider);
            for (int i = 0; i < 4; i++)
            {
                await timer.WaitForNextTickAsync();
                ticks.Add(loop.Time());
            }
        });
        Assert.Equal([2.5, 5.0, 7.5, 10.0], ticks);
    }

    [Fact]
    public void CancellationTokenSource_CancelsAtLoopTime()
    {
        var loop = NewLoop();
        double cancelledAt = -1;
        loop.RunUntilComplete(async () =>
        {
            using var source = new CancellationTokenSource(TimeSpan.FromSeconds(30), loop.TimeProvider);
            source.Token.Register(() => cancelledAt = loop.Time());
            try { await Task.Delay(TimeSpan.FromHours(1), source.Token); }
            catch (OperationCanceledException) { }
        });
        Assert.Equal(30.0, cancelledAt);
    }

    [Fact]
    public void WaitAsync_TimesOutAtLoopTime()
    {
        var loop = NewLoop();
        var never = new TaskCompletionSource();
        Exception? caught = null;
        loop.RunUntilComplete(async () =>
        {
            try { await never.Task.WaitAsync(TimeSpan.FromSeconds(7), loop.TimeProvider); }
            catch (Exception e) { caught = e; }
        });
        Assert.IsType<TimeoutException>(caught);
        Assert.Equal(7.0, loop.Time());
    }

    [Fact]
    public void Timestamps_AreLoopTimeInNanoseconds()
    {
        var loop = NewLoop();
        var provider = loop.TimeProvider;
        Assert.Same(provider, loop.TimeProvider);
        loop.AdvanceTime(1.5);
        Assert.Equal(1_500_000_000, provider.GetTimestamp());
        Assert.Equal(TimeSpan.FromSeconds(1.5), provider.GetElapsedTime(0));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(1.5), provider.GetUtcNow());
        Assert.Equal(TimeZoneInfo.Utc, provider.LocalTimeZone);
    }

    [Fact]
    public void Timer_DisposedBeforeDue_NeverFires()
    {
        var loop = NewLoop();
        int fired = 0;
        var timer = loop.TimeProvider.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        timer.Dispose();
        Assert.False(timer.Change(TimeSpan.Zero, TimeSpan.Zero));
        loop.CallLater(5, loop.Stop);
        loop.RunForever();
        Assert.Equal(0, fired);
    }

    [Fact]
    public void AdvanceTime_FiresDueTimersAtTheNextIteration()
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.CallLater(10, () => log.Add($"timer at {loop.Time()}"));
        loop.AdvanceTime(4);
        loop.AdvanceTimeTo(12);
        Assert.Equal(12.0, loop.Time());
        Assert.Empty(log);
        RunOnce(loop);
        Assert.Equal(["timer at 12"], log);
    }

    [Fact]
    public void AdvanceTime_BadInput_Throws()
    {
        var loop = NewLoop();
        loop.AdvanceTime(5);
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.AdvanceTime(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.AdvanceTime(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.AdvanceTimeTo(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.AdvanceTime(double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.AdvanceTimeTo(double.PositiveInfinity));
        var real = new EventLoop(new EventLoopOptions { VirtualTime = false });
        Assert.Contains("virtual time", Assert.Throws<InvalidOperationException>(() => real.AdvanceTime(1)).Message);
        real.Close();
    }

    [Fact]
    public void ClockResolution_IsZeroOnVirtualTime()
    {
        Assert.Equal(0.0, NewLoop().ClockResolution);
    }
}
