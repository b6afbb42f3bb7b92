namespace Asyncio.Tests.Core;

/// <summary>Sleep, Gather, Wait, WaitFor and Timeout, by asyncio 3.12's rules.</summary>
public class CombinatorTests : LoopTest
{
    [Fact]
    public void SleepZero_YieldsExactlyOneIteration()
    {
        var log = new List<string>();
        var loop = NewLoop();
        async Task Worker(string name)
        {
            for (int i = 0; i < 3; i++)
            {
                log.Add($"{name}{i}");
                await loop.Sleep(0);
            }
        }
        var a = loop.CreateTask(() => Worker("a"));
        var b = loop.CreateTask(() => Worker("b"));
        int iterations = 0;
        void Count() { iterations++; if (iterations < 10) loop.CallSoon(Count); }
        loop.CallSoon(Count);
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Assert.Equal(["a0", "b0"], log);
        RunOnce(loop);
        Assert.Equal(["a0", "b0", "a1", "b1"], log);
        RunOnce(loop);
        Assert.Equal(["a0", "b0", "a1", "b1", "a2", "b2"], log);
        Assert.Equal(0.0, loop.Time());
        loop.RunUntilComplete(loop.Gather([a, b]));
    }

    [Fact]
    public void Sleep_TimerStartsWhenAwaited_NotWhenCreated()
    {
        var loop = NewLoop();
        double woke = -1;
        loop.RunUntilComplete(async () =>
        {
            var sleep = loop.Sleep(1);
            await loop.Sleep(2);
            await sleep;
            woke = loop.Time();
        });
        Assert.Equal(3.0, woke);
    }

    [Fact]
    public void Sleep_Cancelled_CancelsItsTimer()
    {
        var loop = NewLoop();
        var task = loop.CreateTask(async () => await loop.Sleep(1000));
        RunOnce(loop);
        Assert.Equal(1, loop.TimerCount);
        task.Cancel();
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        Assert.Equal(0.0, loop.Time());
    }

    [Fact]
    public void Sleep_WithResult_ReturnsIt()
    {
        var loop = NewLoop();
        Assert.Equal("r", loop.RunUntilComplete(() => loop.Sleep(0.5, "r")));
        Assert.Equal(0.5, loop.Time());
    }

    [Fact]
    public void Gather_ResultsInArgumentOrder_WhateverTheFinishingOrder()
    {
        var loop = NewLoop();
        var finished = new List<string>();
        async Task<string> Work(string name, double delay) { await loop.Sleep(delay); finished.Add(name); return name; }
        var results = loop.RunUntilComplete(loop.Gather(() => Work("a", 3), () => Work("b", 1), () => Work("c", 2)));
        Assert.Equal(["a", "b", "c"], results);
        Assert.Equal(["b", "c", "a"], finished);
        Assert.Equal(3.0, loop.Time());
    }

    [Fact]
    public void Gather_FirstExceptionPropagates_OthersKeepRunning()
    {
        var loop = NewLoop();
        var error = new InvalidCastException("bad");
        async Task<int> Fail() { await loop.Sleep(1); throw error; }
        async Task<int> Slow() { await loop.Sleep(5); return 5; }
        var slow = loop.CreateTask(() => Slow());
        var gathered = loop.Gather(loop.CreateTask(() => Fail()), slow);
        Assert.Same(error, Assert.Throws<InvalidCastException>(() => loop.RunUntilComplete(gathered)));
        Assert.Equal(1.0, loop.Time());
        Assert.False(slow.Done);
        Assert.Equal(5, loop.RunUntilComplete(slow));
    }

    [Fact]
    public void Gather_ReturnExceptions_PutsThemInPlace()
    {
        var loop = NewLoop();
        var error = new FormatException("f");
        var ok = loop.CreateFuture<int>();
        var bad = loop.CreateFuture<int>();
        var cancelled = loop.CreateFuture<int>();
        var gathered = loop.Gather([ok, bad, cancelled], returnExceptions: true);
        ok.SetResult(1);
        bad.SetException(error);
        cancelled.Cancel("c");
        var results = loop.RunUntilComplete(gathered);
        Assert.Equal(1, results[0]);
        Assert.Same(error, results[1]);
        Assert.Equal("c", Assert.IsType<CancelledError>(results[2]).CancelMessage);
    }

    [Fact]
    public void Gather_Cancelled_CancelsEveryChild()
    {
        var loop = NewLoop();
        var a = loop.CreateTask(async () => { await loop.Sleep(10); return 1; });
        var b = loop.CreateTask(async () => { await loop.Sleep(10); return 2; });
        var gathered = loop.Gather(a, b);
        RunOnce(loop);
        Assert.True(gathered.Cancel("stop"));
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(gathered));
        Assert.True(a.Cancelled);
        Assert.True(b.Cancelled);
    }

    [Fact]
    public void Gather_ChildCancelled_GatherThrowsCancelledErrorButIsNotCancelled()
    {
        var loop = NewLoop();
        var a = loop.CreateFuture<int>();
        var b = loop.CreateFuture<int>();
        var gathered = loop.Gather(a, b);
        a.Cancel();
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(gathered));
        Assert.False(gathered.Cancelled);
        Assert.False(b.Done);
    }

    [Fact]
    public void Gather_AllAlreadyDone_IsDoneAtOnce()
    {
        // 3.12: gather of finished futures completes without an iteration.
        var loop = NewLoop();
        var a = loop.CreateFuture<int>();
        a.SetResult(1);
        var gathered = loop.Gather(a, a);
        Assert.True(gathered.Done);
        Assert.Equal([1, 1], gathered.Result());
    }

    [Fact]
    public void Gather_Nothing_IsAnEmptyList()
    {
        var loop = NewLoop();
        var gathered = loop.Gather(Array.Empty<Future>());
        Assert.Empty(gathered.Result());
    }

    [Theory]
    [InlineData(ReturnWhen.FirstCompleted, 1.0, 1)]
    [InlineData(ReturnWhen.FirstException, 2.0, 2)]
    [InlineData(ReturnWhen.AllCompleted, 3.0, 3)]
    public void Wait_ReturnWhen_ReturnsAtTheRightTime(ReturnWhen returnWhen, double expectedTime, int expectedDone)
    {
        var loop = NewLoop();
        async Task<int> After(double d, bool fail)
        {
            await loop.Sleep(d);
            if (fail) throw new Exception("x");
            return 0;
        }
        var tasks = new[] { loop.CreateTask(() => After(1, false)), loop.CreateTask(() => After(2, true)), loop.CreateTask(() => After(3, false)) };
        var (done, pending) = loop.RunUntilComplete(() => loop.Wait(tasks, returnWhen: returnWhen));
        Assert.Equal(expectedTime, loop.Time());
        Assert.Equal(expectedDone, done.Count);
        Assert.Equal(3 - expectedDone, pending.Count);
        loop.RunUntilComplete(loop.Gather(tasks, returnExceptions: true));
    }

    [Fact]
    public void Wait_Timeout_CancelsNothing()
    {
        var loop = NewLoop();
        var slow = loop.CreateTask(async () => { await loop.Sleep(5); return "late"; });
        var (done, pending) = loop.RunUntilComplete(() => loop.Wait([slow], timeout: 1));
        Assert.Empty(done);
        Assert.Same(slow, Assert.Single(pending));
        Assert.Equal(1.0, loop.Time());
        Assert.Equal("late", loop.RunUntilComplete(slow));
    }

    [Fact]
    public void WaitFor_InTime_ReturnsTheResult()
    {
        var loop = NewLoop();
        async Task<int> Quick() { await loop.Sleep(1); return 9; }
        Assert.Equal(9, loop.RunUntilComplete(() => loop.WaitFor(() => Quick(), 2)));
        Assert.Equal(1.0, loop.Time());
    }

    [Fact]
    public void WaitFor_Timeout_CancelsTheInnerAndWaitsForIt_ThenThrowsTimeout()
    {
        var log = new List<string>();
        var loop = NewLoop();
        async Task<int> Slow()
        {
            try { await loop.Sleep(10); return 1; }
            catch (CancelledError) { log.Add($"inner cancelled at {loop.Time()}"); await loop.Sleep(0.5); log.Add("inner cleaned up"); throw; }
        }
        var e = Assert.Throws<TimeoutException>(() => loop.RunUntilComplete(() => loop.WaitFor(() => Slow(), 2)));
        Assert.IsType<CancelledError>(e.InnerException);
        Assert.Equal(["inner cancelled at 2", "inner cleaned up"], log);
        Assert.Equal(2.5, loop.Time());
    }

    [Fact]
    public void WaitFor_Task_TimeoutCancelsTheTask()
    {
        var loop = NewLoop();
        var task = loop.CreateTask(async () => { await loop.Sleep(10); return 1; });
        Assert.Throws<TimeoutException>(() => loop.RunUntilComplete(() => loop.WaitFor(task, 1)));
        Assert.True(task.Cancelled);
    }

    [Fact]
    public void WaitFor_ZeroTimeout_OnPendingFuture_CancelsAndThrowsTimeout()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        Assert.Throws<TimeoutException>(() => loop.RunUntilComplete(() => loop.WaitFor(f, 0)));
        Assert.True(f.Cancelled);
        var g = loop.CreateFuture<int>();
        g.SetResult(4);
        Assert.Equal(4, loop.RunUntilComplete(() => loop.WaitFor(g, 0)));
    }

    [Fact]
    public void WaitFor_OuterCancelled_PropagatesCancelledNotTimeout()
    {
        var loop = NewLoop();
        var inner = loop.CreateTask(async () => { await loop.Sleep(10); return 1; });
        var outer = loop.CreateTask(() => loop.WaitFor(inner, 5));
        loop.CallLater(1, () => outer.Cancel());
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(outer));
        Assert.True(inner.Cancelled);
        Assert.Equal(1.0, loop.Time());
    }

    [Fact]
    public void Timeout_Nested_OnlyTheExpiredScopeConverts()
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            try
            {
                await loop.Timeout(5, async outer =>
                {
                    try
                    {
                        await loop.Timeout(1, async inner => { await loop.Sleep(10); });
                    }
                    catch (TimeoutException) { log.Add($"inner timed out at {loop.Time()}, outer expired: {outer.Expired}"); }
                    await loop.Sleep(10);
                });
            }
            catch (TimeoutException) { log.Add($"outer timed out at {loop.Time()}"); }
        });
        Assert.Equal(["inner timed out at 1, outer expired: False", "outer timed out at 5"], log);
    }

    [Fact]
    public void Timeout_Reschedule_MovesTheDeadline()
    {
        var loop = NewLoop();
        var e = Assert.Throws<TimeoutException>(() => loop.RunUntilComplete(() => loop.Timeout(1, async scope =>
        {
            scope.Reschedule(loop.Time() + 3);
            Assert.Equal(3.0, scope.When);
            await loop.Sleep(10);
        })));
        Assert.Equal(3.0, loop.Time());
    }

    [Fact]
    public void Timeout_OutsideATask_Throws()
    {
        var loop = NewLoop();
        Task? scope = null;
        loop.CallSoon(() => scope = loop.Timeout(1, () => Task.CompletedTask));
        RunOnce(loop);
        Assert.Equal("Timeout should be used inside a task", scope!.Exception!.InnerException!.Message);
    }

    [Fact]
    public void WaitFor_ZeroTimeout_OnClosedLoop_FaultsTheReturnedTaskInsteadOfThrowing()
    {
        // asyncio: wait_for(coro, 0) is a coroutine; making it never raises, awaiting it does.
        var loop = NewLoop();
        loop.Close();
        Task<int> wait = loop.WaitFor(() => Task.FromResult(1), 0);
        Assert.True(wait.IsFaulted);
        var error = Assert.IsType<InvalidOperationException>(wait.Exception!.InnerException);
        Assert.Equal("Event loop is closed", error.Message);
    }
}
