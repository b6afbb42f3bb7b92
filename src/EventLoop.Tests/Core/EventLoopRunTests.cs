namespace Asyncio.Tests.Core;

/// <summary>RunForever, Stop, RunUntilComplete, Close, Run and the exception handler.</summary>
public class EventLoopRunTests : LoopTest
{
    [Fact]
    public void Stop_FromCallback_FinishesTheCurrentIteration()
    {
        var log = new List<string>();
        var loop = NewLoop();
        loop.CallSoon(() => { log.Add("stopper"); loop.Stop(); loop.CallSoon(() => log.Add("next run")); });
        loop.CallSoon(() => log.Add("same iteration"));

        loop.RunForever();
        Assert.Equal(["stopper", "same iteration"], log);

        RunOnce(loop);
        Assert.Equal(["stopper", "same iteration", "next run"], log);
    }

    [Fact]
    public void Stop_BeforeRunForever_RunsExactlyOneIteration()
    {
        var log = new List<int>();
        var loop = NewLoop();
        void Chain(int n) { log.Add(n); loop.CallSoon(Chain, n + 1); }
        loop.CallSoon(Chain, 0);
        loop.Stop();

        loop.RunForever();

        Assert.Equal([0], log);
        Assert.False(loop.IsRunning);
    }

    [Fact]
    public void Stop_FromAnotherThread_StopsTheLoop()
    {
        // A test about threads: the loop blocks on its inbox until the other thread stops it.
        var loop = new EventLoop(new EventLoopOptions { VirtualTime = false });
        var thread = new Thread(() => loop.Stop());
        loop.CallSoon(thread.Start);
        loop.CallLater(30, () => throw new Exception("Stop from the other thread was lost"));
        loop.RunForever();
        thread.Join();
        Assert.False(loop.IsRunning);
        loop.Close();
    }

    [Fact]
    public void RunUntilComplete_Coroutine_ReturnsItsResult()
    {
        var loop = NewLoop();
        async Task<int> Compute() { await loop.Sleep(2); return 42; }
        Assert.Equal(42, loop.RunUntilComplete(() => Compute()));
        Assert.Equal(2.0, loop.Time());
        Assert.False(loop.IsRunning);
    }

    [Fact]
    public void RunUntilComplete_Failing_RethrowsTheSameException()
    {
        var loop = NewLoop();
        var error = new FormatException("bad");
        async Task Fail() { await loop.Sleep(0); throw error; }
        var thrown = Assert.Throws<FormatException>(() => loop.RunUntilComplete(() => Fail()));
        Assert.Same(error, thrown);
    }

    [Fact]
    public void RunUntilComplete_StoppedFirst_ThrowsAsyncioMessage()
    {
        var loop = NewLoop();
        var future = loop.CreateFuture<int>();
        loop.CallSoon(loop.Stop);
        var e = Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(future));
        Assert.Equal("Event loop stopped before Future completed.", e.Message);
    }

    [Fact]
    public void RunUntilComplete_Future_ReturnsResultSetByCallback()
    {
        var loop = NewLoop();
        var future = loop.CreateFuture<string>();
        loop.CallLater(3, () => future.SetResult("done"));
        Assert.Equal("done", loop.RunUntilComplete(future));
        Assert.Equal(3.0, loop.Time());
    }

    [Fact]
    public void RunUntilComplete_CancelledFuture_ThrowsCancelledError()
    {
        var loop = NewLoop();
        var future = loop.CreateFuture<int>();
        loop.CallSoon(() => future.Cancel("why"));
        var e = Assert.Throws<CancelledError>(() => loop.RunUntilComplete(future));
        Assert.Equal("why", e.CancelMessage);
    }

    [Fact]
    public void RunUntilComplete_FutureOfAnotherLoop_Throws()
    {
        var loop = NewLoop();
        var other = NewLoop();
        var e = Assert.Throws<ArgumentException>(() => loop.RunUntilComplete(other.CreateFuture<int>()));
        Assert.StartsWith("The future belongs to a different loop", e.Message);
    }

    [Fact]
    public void RunForever_OnRunningLoop_Throws()
    {
        var loop = NewLoop();
        Exception? caught = null;
        loop.CallSoon(() => caught = Record(loop.RunForever));
        RunOnce(loop);
        Assert.Equal("This event loop is already running", Assert.IsType<InvalidOperationException>(caught).Message);
    }

    [Fact]
    public void RunForever_InsideAnotherRunningLoop_Throws()
    {
        var loop = NewLoop();
        var other = NewLoop();
        Exception? caught = null;
        loop.CallSoon(() => caught = Record(other.RunForever));
        RunOnce(loop);
        Assert.Equal("Cannot run the event loop while another loop is running", Assert.IsType<InvalidOperationException>(caught).Message);
    }

    [Fact]
    public void ClosedLoop_EveryEntry_ThrowsEventLoopIsClosed()
    {
        var loop = NewLoop();
        var future = loop.CreateFuture<int>();
        future.AddDoneCallback(_ => { });
        loop.Close();
        loop.Close(); // idempotent
        Assert.True(loop.IsClosed);

        Action[] calls =
        [
            () => loop.CallSoon(() => { }),
            () => loop.CallLater(1, () => { }),
            () => loop.CallAt(1, () => { }),
            () => loop.CallSoonThreadsafe(() => { }),
            () => loop.CreateTask(() => Task.CompletedTask),
            loop.RunForever,
            () => loop.RunUntilComplete(future),
            () => future.SetResult(1),
        ];
        foreach (var call in calls)
            Assert.Equal("Event loop is closed", Assert.Throws<InvalidOperationException>(call).Message);
        Assert.False(loop.CreateFuture<int>().Done); // as in asyncio: making a Future schedules nothing
    }

    [Fact]
    public void Close_WhileRunning_Throws()
    {
        var loop = NewLoop();
        Exception? caught = null;
        loop.CallSoon(() => caught = Record(loop.Close));
        RunOnce(loop);
        Assert.Equal("Cannot close a running event loop", Assert.IsType<InvalidOperationException>(caught).Message);
        Assert.False(loop.IsClosed);
    }

    [Fact]
    public void Close_DropsWhatIsQueued()
    {
        var loop = NewLoop();
        loop.CallSoon(() => throw new Exception("must not run"));
        loop.CallLater(1, () => throw new Exception("must not run"));
        loop.Close();
        Assert.Equal(0, loop.ReadyCount);
        Assert.Equal(0, loop.TimerCount);
    }

    [Fact]
    public void Callback_Throwing_IsReportedAndTheLoopGoesOn()
    {
        var log = new List<string>();
        var loop = NewLoop();
        var error = new ArithmeticException("boom");
        loop.CallSoon(() => log.Add("before"));
        var bad = loop.CallSoon(() => throw error);
        loop.CallSoon(() => log.Add("after"));
        loop.CallLater(1, () => log.Add("timer"));
        loop.CallLater(2, loop.Stop);

        loop.RunForever();

        Assert.Equal(["before", "after", "timer"], log);
        var report = Assert.Single(TakeReports());
        Assert.Same(error, report.Exception);
        Assert.Same(bad, report.Handle);
        Assert.StartsWith("Exception in callback ", report.Message);
        Assert.Equal(["message", "exception", "handle"], report.Keys);
    }

    [Fact]
    public void ExceptionHandler_Throwing_FallsBackToDefaultAndLoopGoesOn()
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.SetExceptionHandler((_, _) => throw new InvalidOperationException("handler broke"));
        var previousError = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            loop.CallSoon(() => throw new Exception("first"));
            loop.CallSoon(() => log.Add("still running"));
            RunOnce(loop);
        }
        finally
        {
            Console.SetError(previousError);
        }
        Assert.Equal(["still running"], log);
        Assert.StartsWith("Unhandled error in exception handler", captured.ToString());
    }

    [Fact]
    public void DefaultExceptionHandler_WritesMessageKeysAndException()
    {
        var loop = NewLoop();
        loop.SetExceptionHandler(null);
        Assert.Null(loop.GetExceptionHandler());
        var previousError = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            loop.CallSoon(Explode);
            RunOnce(loop);
        }
        finally
        {
            Console.SetError(previousError);
        }
        var lines = captured.ToString().Split(Environment.NewLine);
        Assert.Equal("Exception in callback Explode()", lines[0]);
        Assert.Equal("handle: <Handle Explode()>", lines[1]);
        Assert.StartsWith("System.DivideByZeroException: ", lines[2]);
    }

    private static void Explode() => throw new DivideByZeroException();

    [Fact]
    public void Run_ReturnsResultAndClosesTheLoop()
    {
        EventLoop? used = null;
        int result = EventLoop.Run(async () =>
        {
            used = EventLoop.GetRunningLoop();
            await used.Sleep(10);
            return 7;
        }, new EventLoopOptions { VirtualTime = true });
        Assert.Equal(7, result);
        Assert.True(used!.IsClosed);
    }

    [Fact]
    public void Run_CancelsLeftoverTasksBeforeClosing()
    {
        var log = new List<string>();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.GetRunningLoop();
            _ = loop.CreateTask(async () =>
            {
                try { await loop.Sleep(100); }
                catch (CancelledError) { log.Add($"leftover cancelled at {loop.Time()}"); throw; }
            });
            await loop.Sleep(1);
            log.Add("main done");
        }, new EventLoopOptions { VirtualTime = true });
        Assert.Equal(["main done", "leftover cancelled at 1"], log);
    }

    [Fact]
    public void Run_InsideRunningLoop_Throws()
    {
        var loop = NewLoop();
        Exception? caught = null;
        loop.CallSoon(() => caught = Record(() => EventLoop.Run(() => Task.CompletedTask)));
        RunOnce(loop);
        Assert.Equal("asyncio.run() cannot be called from a running event loop", Assert.IsType<InvalidOperationException>(caught).Message);
    }

    [Fact]
    public void GetRunningLoop_OutsideALoop_Throws()
    {
        Assert.Equal("no running event loop", Assert.Throws<InvalidOperationException>(EventLoop.GetRunningLoop).Message);
        Assert.Null(EventLoop.RunningLoop);
    }

    [Fact]
    public void GetRunningLoop_InCallback_IsTheLoop()
    {
        var loop = NewLoop();
        EventLoop? seen = null;
        loop.CallSoon(() => seen = EventLoop.GetRunningLoop());
        RunOnce(loop);
        Assert.Same(loop, seen);
    }

    [Fact]
    public void VirtualTime_DeadlockedTask_ThrowsDeadlockErrorNamingTheTask()
    {
        var loop = NewLoop();
        var never = loop.CreateFuture<int>();
        var task = loop.CreateTask(async () => await never, "stuck");
        var e = Assert.Throws<DeadlockError>(() => loop.RunUntilComplete(task));
        Assert.Contains("stuck: waits on <Future pending>", e.Message);
        loop.Close();
        var report = Assert.Single(TakeReports());
        Assert.Equal("Task was destroyed but it is pending!", report.Message);
        Assert.Same(task, report.Task);
    }

    [Fact]
    public void VirtualTime_AnHourOfSleeps_TakesNoRealTime()
    {
        var loop = NewLoop();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        loop.RunUntilComplete(async () =>
        {
            for (int i = 0; i < 3600; i++)
                await loop.Sleep(1);
        });
        Assert.Equal(3600.0, loop.Time());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    private static Exception? Record(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}

public class EventLoopLeftoverTests : LoopTest
{
    [Fact]
    public void Close_TaskExceptionNeverRetrieved_IsReportedOnce()
    {
        var loop = NewLoop();
        var error = new InvalidOperationException("lost");
        var task = loop.CreateTask(async () => { await loop.Sleep(0); throw error; });
        loop.CallLater(1, loop.Stop);
        loop.RunForever();
        loop.Close();
        loop.Close();
        var report = Assert.Single(TakeReports());
        Assert.Equal("Task exception was never retrieved", report.Message);
        Assert.Same(error, report.Exception);
        Assert.Same(task, report.Future);
    }

    [Fact]
    public void Close_TaskExceptionRetrievedByAwaiter_IsNotReported()
    {
        var loop = NewLoop();
        var failing = loop.CreateTask(async () => { await loop.Sleep(0); throw new Exception("seen"); });
        var watcher = loop.CreateTask(async () => { try { await failing; } catch (Exception) { } });
        loop.RunUntilComplete(watcher);
        loop.Close();
        Assert.Empty(TakeReports());
    }

    [Fact]
    public void Close_PendingTaskFromRunUntilComplete_IsNotReported()
    {
        // asyncio: run_until_complete(coro) sets _log_destroy_pending = False on its own task.
        var loop = NewLoop();
        loop.CallLater(1, loop.Stop);
        Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(async () => await loop.Sleep(5)));
        loop.Close();
        Assert.Empty(TakeReports());
    }
}
