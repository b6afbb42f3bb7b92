using Asyncio.Testing;

namespace Asyncio.Tests.Testing;

/// <summary>The test kit: TestLoop and LoopAssertionException.</summary>
public class TestLoopTests
{
    [Fact]
    public void Dispose_CallbackThrew_ThrowsListingTheReport()
    {
        var test = new TestLoop();
        var error = new FormatException("boom");
        test.Loop.CallSoon(() => throw error);
        test.RunUntilIdle();

        var failure = Assert.Throws<LoopAssertionException>(test.Dispose);

        Assert.StartsWith("The event loop reported 1 problem that the test did not take with TestLoop.TakeReports():\n[1] Exception in callback ", failure.Message);
        Assert.Same(error, failure.InnerException);
        Assert.Same(error, Assert.Single(failure.Reports).Exception);
        Assert.True(test.Loop.IsClosed);
        test.Dispose(); // idempotent: the reports went with the first failure
    }

    [Fact]
    public void Dispose_ReportsTaken_DoesNotThrow()
    {
        using var test = new TestLoop();
        test.Loop.CallSoon(() => throw new FormatException("expected"));
        test.RunUntilIdle();

        Assert.Single(test.Reports);
        var report = Assert.Single(test.TakeReports());
        Assert.Equal("expected", report.Exception!.Message);
        Assert.Empty(test.Reports);
    }

    [Fact]
    public void Dispose_ExceptionNeverRetrieved_Throws()
    {
        var test = new TestLoop();
        test.Run(async () =>
        {
            _ = test.Loop.CreateTask(() => throw new FormatException("lost"));
            await test.Loop.Sleep(1);
        });

        var failure = Assert.Throws<LoopAssertionException>(test.Dispose);

        Assert.Equal("Task exception was never retrieved", Assert.Single(failure.Reports).Message);
        Assert.Equal("lost", failure.InnerException!.Message);
    }

    [Fact]
    public void Dispose_TaskStillPending_ThrowsWithWhatItWaitsOn()
    {
        var test = new TestLoop();
        var never = test.Loop.CreateFuture<int>();
        _ = test.Loop.CreateTask(async () => await never, "stuck");
        test.Advance(2);

        var failure = Assert.Throws<LoopAssertionException>(test.Dispose);

        Assert.Equal("Task was destroyed but it is pending!", Assert.Single(failure.Reports).Message);
        Assert.EndsWith("\nPending when the loop closed: 1 pending task at loop time 2\n  stuck: waits on <Future pending>", failure.Message);
        Assert.Null(failure.InnerException);
    }

    [Fact]
    public void AssertNoReports_WithReports_ThrowsAndTakesThem()
    {
        using var test = new TestLoop();
        test.Loop.CallSoon(() => throw new FormatException("x"));
        test.RunUntilIdle();

        var failure = Assert.Throws<LoopAssertionException>(test.AssertNoReports);
        Assert.Single(failure.Reports);
        Assert.Empty(test.Reports);
        test.AssertNoReports();
    }

    [Fact]
    public void Advance_RunsTimersAtTheirDeadlinesAndLeavesTheClockExactlyThere()
    {
        using var test = new TestLoop();
        var log = new List<string>();
        foreach (double at in new[] { 4.0, 1.0, 2.5, 2.0 })
            test.Loop.CallAt(at, () => log.Add($"{at} at {test.Time}"));

        test.Advance(2.5);
        Assert.Equal(["1 at 1", "2 at 2", "2.5 at 2.5"], log);
        Assert.Equal(2.5, test.Time);

        test.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3.5, test.Time);
        Assert.Equal(3, log.Count);

        test.AdvanceTo(4);
        Assert.Equal("4 at 4", log[^1]);
        Assert.Equal(4.0, test.Time);
    }

    [Fact]
    public void Advance_TaskWokenAtTheTarget_RunsBeforeItReturns()
    {
        using var test = new TestLoop();
        var log = new List<string>();
        var task = test.Loop.CreateTask(async () =>
        {
            await test.Loop.Sleep(1);
            log.Add($"woke at {test.Time}");
            await test.Loop.Sleep(0);
            log.Add("one iteration later");
        });

        test.Advance(1);

        Assert.Equal(["woke at 1", "one iteration later"], log);
        Assert.True(task.Done);
        test.AssertAllTasksDone();
    }

    [Fact]
    public void Advance_Zero_RunsWhatIsReadyButNoLaterTimer()
    {
        using var test = new TestLoop();
        var log = new List<string>();
        test.Loop.CallLater(0.5, () => log.Add("later"));
        test.Loop.CallSoon(() => { log.Add("soon"); test.Loop.CallSoon(() => log.Add("soon again")); });

        test.Advance(0);

        Assert.Equal(["soon", "soon again"], log);
        Assert.Equal(0.0, test.Time);
    }

    [Fact]
    public void Advance_TestStopsTheLoopOnTheWay_StillReachesTheTarget()
    {
        using var test = new TestLoop();
        test.Loop.CallLater(1, test.Loop.Stop);
        test.Advance(3);
        Assert.Equal(3.0, test.Time);
    }

    [Fact]
    public void Advance_BadDurations_ThrowAndMoveNothing()
    {
        using var test = new TestLoop();
        Assert.Throws<ArgumentOutOfRangeException>(() => test.Advance(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => test.Advance(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => test.Advance(double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => test.Advance(TimeSpan.FromSeconds(-1)));
        test.Advance(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => test.AdvanceTo(0.5));
        Assert.Equal(1.0, test.Time);
    }

    [Fact]
    public void RunUntilIdle_RunsChainsAndDueTimersWithoutMovingTheClock()
    {
        using var test = new TestLoop();
        var log = new List<string>();
        int depth = 0;
        void Chain() { log.Add($"chain {depth}"); if (++depth < 3) test.Loop.CallSoon(Chain); }
        test.Loop.CallSoon(Chain);
        test.Loop.CallLater(1, () => log.Add("timer at 1"));

        test.RunUntilIdle();
        Assert.Equal(["chain 0", "chain 1", "chain 2"], log);
        Assert.Equal(0.0, test.Time);

        test.Loop.AdvanceTime(1); // moves the clock only; the timer is now due
        test.RunUntilIdle();
        Assert.Equal("timer at 1", log[^1]);
    }

    [Fact]
    public void RunUntilIdle_SomethingReschedulesItselfForever_FailsInsteadOfHanging()
    {
        var test = new TestLoop();
        var spinner = test.Loop.CreateTask(async () => { while (true) await test.Loop.Sleep(0); }, "spinner");

        var failure = Assert.Throws<LoopAssertionException>(test.RunUntilIdle);

        Assert.StartsWith("The loop was still busy after 100000 iterations at loop time 0", failure.Message);
        Assert.Contains("spinner", failure.Message);
        spinner.Cancel();
        test.RunUntilIdle();
        test.Dispose();
    }

    [Fact]
    public void RunUntilIdle_KeepsTheLoopsObserver()
    {
        using var test = new TestLoop();
        var observer = new CountingObserver();
        test.Loop.Observer = observer;
        test.Loop.CallSoon(() => { });

        test.RunUntilIdle();

        Assert.Same(observer, test.Loop.Observer);
        Assert.Equal(2, observer.Iterations); // the busy one and the idle one
    }

    private sealed class CountingObserver : LoopObserver
    {
        public int Iterations;

        public override void IterationStarted(EventLoop loop, int ready, int timers) => Iterations++;
    }

    [Fact]
    public void AssertAllTasksDone_PendingTasks_ThrowsListingWhatEachWaitsOn()
    {
        using var test = new TestLoop();
        var gate = test.Loop.CreateFuture<int>();
        var waiter = test.Loop.CreateTask(async () => await gate, "waiter");
        var sleeper = test.Loop.CreateTask(async () => await test.Loop.Sleep(10), "sleeper");
        test.Advance(1);

        var failure = Assert.Throws<LoopAssertionException>(test.AssertAllTasksDone);

        Assert.StartsWith("Not every task is done: 2 pending tasks at loop time 1\n  waiter: waits on <Future pending>\n  sleeper: waits on ", failure.Message);
        Assert.Equal(["waiter", "sleeper"], failure.PendingTasks.Select(t => t.Name));
        Assert.Empty(failure.Reports);

        gate.SetResult(1);
        test.Advance(9);
        test.AssertAllTasksDone();
        Assert.True(waiter.Done && sleeper.Done);
    }

    [Fact]
    public void Run_ReturnsTheResultOnVirtualTime()
    {
        // Not debug mode: its slow-callback reports measure real time, which a busy CI machine can exceed.
        using var test = new TestLoop(new EventLoopOptions { VirtualTime = true, EagerTasks = true });
        Assert.Equal(42, test.Run(async () => { await test.Loop.Sleep(3600); return 42; }));
        Assert.Equal(3600.0, test.Time);
        Assert.True(test.Loop.EagerTasks);
    }

    [Fact]
    public void Constructor_RealTimeOptions_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new TestLoop(new EventLoopOptions { VirtualTime = false }));
        Assert.StartsWith("A TestLoop runs on virtual time: set EventLoopOptions.VirtualTime.", e.Message);
    }
}
