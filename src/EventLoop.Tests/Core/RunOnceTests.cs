using System.Diagnostics;

namespace Asyncio.Tests.Core;

/// <summary>The public pump: <see cref="EventLoop.RunOnce()"/>, <see cref="EventLoop.RunOnce(TimeSpan)"/> and <see cref="EventLoop.RunUntilIdle"/>.</summary>
public class RunOnceTests : LoopTest
{
    [Fact]
    public void RunOnce_ZeroBlock_RunsExactlyTheCallbacksReadyThen()
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.CallSoon(() =>
        {
            log.Add("a");
            loop.CallSoon(() => log.Add("b"));
        });
        loop.CallSoon(() => log.Add("c"));

        loop.RunOnce(TimeSpan.Zero);
        Assert.Equal(["a", "c"], log);

        loop.RunOnce(TimeSpan.Zero);
        Assert.Equal(["a", "c", "b"], log);
    }

    [Fact]
    public void RunOnce_ZeroBlockAndOnlyALaterTimer_RunsNothingAndLeavesTheVirtualClock()
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.CallLater(1, () => log.Add("timer"));

        loop.RunOnce(TimeSpan.Zero);

        Assert.Empty(log);
        Assert.Equal(0.0, loop.Time());
        Assert.Equal(1, loop.TimerCount);
    }

    [Fact]
    public void RunOnce_NoLimit_BlocksUntilTheTimerAndRunsIt()
    {
        var loop = NewLoop();
        var log = new List<double>();
        loop.CallLater(1.5, () => log.Add(loop.Time()));

        loop.RunOnce();

        Assert.Equal([1.5], log);
    }

    [Fact]
    public void RunOnce_LimitShorterThanTheTimer_VirtualClockMovesByTheLimitOnly()
    {
        var loop = NewLoop();
        var log = new List<double>();
        loop.CallLater(1.0, () => log.Add(loop.Time()));

        loop.RunOnce(TimeSpan.FromSeconds(0.25));
        Assert.Empty(log);
        Assert.Equal(0.25, loop.Time());

        loop.RunOnce(TimeSpan.FromSeconds(5));
        Assert.Equal([1.0], log);
    }

    [Fact]
    public void RunOnce_InfiniteTimeSpan_IsTheUnlimitedForm()
    {
        var loop = NewLoop();
        var log = new List<double>();
        loop.CallLater(2.0, () => log.Add(loop.Time()));

        loop.RunOnce(Timeout.InfiniteTimeSpan);

        Assert.Equal([2.0], log);
    }

    [Fact]
    public void RunOnce_InsideTheCall_TheLoopIsRunningOnThisThread_AndAfterItIsNot()
    {
        var loop = NewLoop();
        var outside = new SynchronizationContext();
        SynchronizationContext.SetSynchronizationContext(outside);
        try
        {
            (bool Running, EventLoop? Loop, bool LoopContext) inside = default;
            loop.CallSoon(() => inside = (loop.IsRunning, EventLoop.RunningLoop, SynchronizationContext.Current is not null && SynchronizationContext.Current != outside));

            loop.RunOnce(TimeSpan.Zero);

            Assert.Equal((true, loop, true), inside);
            Assert.False(loop.IsRunning);
            Assert.Null(EventLoop.RunningLoop);
            Assert.Same(outside, SynchronizationContext.Current);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(null);
        }
    }

    [Fact]
    public void RunOnce_StopBefore_DoesNotBlock_AndTheStopIsSpent()
    {
        var loop = NewLoop();
        var log = new List<double>();
        loop.CallLater(1.0, () => log.Add(loop.Time()));
        loop.Stop();

        loop.RunOnce();
        Assert.Empty(log);
        Assert.Equal(0.0, loop.Time());

        loop.RunOnce();
        Assert.Equal([1.0], log);
    }

    [Fact]
    public void RunOnce_PumpedRepeatedly_DrivesATaskOneIterationAtATime()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var task = loop.CreateTask(async () =>
        {
            log.Add("step 1");
            await loop.Sleep(0);
            log.Add("step 2");
            await loop.Sleep(0);
            log.Add("step 3");
        });

        for (int i = 1; i <= 3; i++)
        {
            loop.RunOnce(TimeSpan.Zero);
            Assert.Equal(i, log.Count);
        }
        Assert.True(task.Done);
    }

    [Fact]
    public void RunOnce_Misused_ThrowsAsRunForeverDoes()
    {
        var loop = NewLoop();
        Exception? fromCallback = null;
        Exception? fromOtherLoop = null;
        using var other = new EventLoop(new EventLoopOptions { VirtualTime = true });
        loop.CallSoon(() =>
        {
            fromCallback = Record.Exception(loop.RunOnce);
            fromOtherLoop = Record.Exception(() => other.RunOnce(TimeSpan.Zero));
        });
        loop.RunOnce();

        Assert.Equal("This event loop is already running", Assert.IsType<InvalidOperationException>(fromCallback).Message);
        Assert.Equal("Cannot run the event loop while another loop is running", Assert.IsType<InvalidOperationException>(fromOtherLoop).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.RunOnce(TimeSpan.FromSeconds(-1)));
        loop.Close();
        Assert.Equal("Event loop is closed", Assert.Throws<InvalidOperationException>(loop.RunOnce).Message);
        Assert.Equal("Event loop is closed", Assert.Throws<InvalidOperationException>(() => loop.RunOnce(TimeSpan.Zero)).Message);
        Assert.Equal("Event loop is closed", Assert.Throws<InvalidOperationException>(loop.RunUntilIdle).Message);
    }

    [Fact]
    public void RunOnce_NothingAtAllOnVirtualTime_IsADeadlock()
    {
        var loop = NewLoop();

        Assert.Throws<DeadlockError>(loop.RunOnce);
        Assert.False(loop.IsRunning);
    }

    [Fact]
    public void RunOnce_RealTimeZeroBlock_ReturnsWithoutWaitingForTheTimer()
    {
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = false });
        bool fired = false;
        loop.CallLater(5.0, () => fired = true);
        var clock = Stopwatch.StartNew();

        loop.RunOnce(TimeSpan.Zero);

        Assert.False(fired);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void RunOnce_RealTimeWithALimit_ReturnsAfterItWithoutTheTimer()
    {
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = false });
        bool fired = false;
        loop.CallLater(5.0, () => fired = true);
        var clock = Stopwatch.StartNew();

        loop.RunOnce(TimeSpan.FromMilliseconds(50));

        Assert.False(fired);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(40), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void RunUntilIdle_RunsChainsAndDueTimers_NotLaterOnes_WithoutMovingTheClock()
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.CallLater(0, () => log.Add("due timer"));
        loop.CallLater(1, () => log.Add("later timer"));
        var task = loop.CreateTask(async () =>
        {
            for (int i = 0; i < 5; i++)
                await loop.Sleep(0);
            log.Add("chain done");
        });

        loop.RunUntilIdle();

        Assert.Equal(["due timer", "chain done"], log);
        Assert.True(task.Done);
        Assert.Equal(0.0, loop.Time());

        loop.AdvanceTime(1);
        loop.RunUntilIdle();
        Assert.Equal(["due timer", "chain done", "later timer"], log);
    }

    [Fact]
    public void RunUntilIdle_Idle_ReturnsAtOnce()
    {
        var loop = NewLoop();
        loop.CallLater(1, static () => { });

        loop.RunUntilIdle();

        Assert.Equal(0.0, loop.Time());
    }

    [Fact]
    public void RunOnce_AcceptanceSnippet_PrintsPumped()
    {
        var loop = NewLoop();
        loop.RunUntilComplete(async () => await loop.Sleep(0.5));
        var log = new List<string>();
        loop.CallSoon(() => log.Add("pumped"));

        loop.RunOnce(TimeSpan.Zero);

        Assert.Equal(["pumped"], log);
        Assert.Equal(0.5, loop.Time());
    }
}
