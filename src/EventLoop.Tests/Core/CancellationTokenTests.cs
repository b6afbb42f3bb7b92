namespace Asyncio.Tests.Core;

/// <summary>A CancellationToken on the loop's awaitable members: the operation ends at its await, cleanly, from any thread.</summary>
public class CancellationTokenTests : LoopTest
{
    [Fact]
    public void WaitFor_TokenCancelledByCallback_ThrowsOperationCanceledAndLeavesNoGetter()
    {
        var loop = NewLoop();
        var queue = new AsyncQueue<int>();
        var log = new List<string>();
        using var cts = new CancellationTokenSource();
        loop.RunUntilComplete(async () =>
        {
            loop.CallLater(1.5, cts.Cancel);
            try
            {
                await loop.WaitFor(queue.GetAsync(), 10.0, cts.Token);
            }
            catch (OperationCanceledException e) when (e is not CancelledError)
            {
                log.Add($"cancelled at {loop.Time()} token {e.CancellationToken == cts.Token}");
            }
            queue.PutNowait(7);
            await loop.Sleep(1);
            log.Add("queued " + queue.Count);
            log.Add("task cancelling " + loop.CurrentTask!.Cancelling);
        });
        Assert.Equal(["cancelled at 1.5 token True", "queued 1", "task cancelling 0"], log);
    }

    [Fact]
    public void WaitFor_TokenCancelledAlready_DoesNotCallTheFunction()
    {
        var loop = NewLoop();
        bool called = false;
        var error = loop.RunUntilComplete(() => Raises<OperationCanceledException>(() =>
            loop.WaitFor(async () => { called = true; await loop.Sleep(1); return 1; }, 1.0, new CancellationToken(true))));
        Assert.False(called);
        Assert.NotNull(error);
    }

    [Fact]
    public void WaitFor_TokenFiresAfterCompletion_ChangesNothing()
    {
        var loop = NewLoop();
        using var cts = new CancellationTokenSource();
        int result = loop.RunUntilComplete(async () =>
        {
            int value = await loop.WaitFor(async () => { await loop.Sleep(1); return 3; }, 5.0, cts.Token);
            cts.Cancel();
            await loop.Sleep(1);
            return value;
        });
        Assert.Equal(3, result);
        Assert.Equal(2.0, loop.Time());
    }

    [Fact]
    public void WaitFor_TokenCancelledFromAnotherThread_EndsTheWait()
    {
        var loop = NewLoop();
        var queue = new AsyncQueue<int>();
        using var cts = new CancellationTokenSource();
        string outcome = loop.RunUntilComplete(async () =>
        {
            // A thread-pool job cancels the token: the loop waits for it as outstanding work.
            var job = loop.RunInExecutor(cts.Cancel);
            try
            {
                await loop.WaitFor(queue.GetAsync(), null, cts.Token);
                return "got an item";
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                await job;
                return "cancelled";
            }
        });
        Assert.Equal("cancelled", outcome);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Timeout_TokenBeforeDeadline_ThrowsOperationCanceledNotTimeout()
    {
        var loop = NewLoop();
        using var cts = new CancellationTokenSource();
        loop.CallLater(1, cts.Cancel);
        var error = loop.RunUntilComplete(() => Raises<OperationCanceledException>(() =>
            loop.Timeout(TimeSpan.FromSeconds(5), () => loop.Sleep(10), cts.Token)));
        Assert.IsNotType<CancelledError>(error);
        Assert.Equal(1.0, loop.Time());
    }

    [Fact]
    public void Timeout_DeadlineBeforeToken_ThrowsTimeout()
    {
        var loop = NewLoop();
        using var cts = new CancellationTokenSource();
        loop.CallLater(3, cts.Cancel);
        loop.RunUntilComplete(() => Raises<TimeoutException>(() => loop.Timeout(2.0, () => loop.Sleep(10), cts.Token)));
        Assert.Equal(2.0, loop.Time());
    }

    [Fact]
    public void CreateTask_TokenFires_CancelsTheTask()
    {
        var loop = NewLoop();
        using var cts = new CancellationTokenSource();
        var log = new List<string>();
        var task = loop.CreateTask(async () =>
        {
            try
            {
                await loop.Sleep(10);
            }
            catch (CancelledError)
            {
                log.Add("cancelled at " + loop.Time());
                throw;
            }
        }, cancellationToken: cts.Token);
        loop.CallLater(2, cts.Cancel);
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        Assert.True(task.Cancelled);
        Assert.Equal(["cancelled at 2"], log);
    }

    [Fact]
    public void CreateTask_TokenCancelledAlready_MethodNeverStarts()
    {
        var loop = NewLoop();
        bool started = false;
        var task = loop.CreateTask(() => { started = true; return Task.CompletedTask; }, "t", new CancellationToken(true));
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        Assert.False(started);
    }

    [Fact]
    public void EnsureFuture_TokenFires_CancelsTheFuture()
    {
        var loop = NewLoop();
        using var cts = new CancellationTokenSource();
        var future = loop.EnsureFuture(loop.Sleep(5), cts.Token);
        loop.CallLater(1, cts.Cancel);
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(future));
        Assert.Equal(1.0, loop.Time());
    }

    [Fact]
    public void TaskGroup_TokenFires_CancelsBodyAndChildrenThenThrowsOperationCanceled()
    {
        var loop = NewLoop();
        using var cts = new CancellationTokenSource();
        LoopTask? child = null;
        loop.CallLater(1, cts.Cancel);
        var error = loop.RunUntilComplete(() => Raises<OperationCanceledException>(() =>
            loop.TaskGroup(async tg =>
            {
                child = tg.CreateTask(() => loop.Sleep(10).AsTaskForTest());
                await loop.Sleep(10);
            }, cts.Token)));
        Assert.IsNotType<CancelledError>(error);
        Assert.True(child!.Cancelled);
        Assert.Equal(1.0, loop.Time());
    }

    [Fact]
    public void Wait_TokenFires_ThrowsAndLeavesFuturesAlone()
    {
        var loop = NewLoop();
        using var cts = new CancellationTokenSource();
        var future = loop.CreateFuture<int>();
        loop.CallLater(1, cts.Cancel);
        loop.RunUntilComplete(() => Raises<OperationCanceledException>(() => loop.Wait([future], 5.0, cancellationToken: cts.Token)));
        Assert.False(future.Done);
        Assert.Equal(0, future.CallbackCount);
        Assert.Equal(1.0, loop.Time());
    }

    [Fact]
    public void Gather_TokenFires_CancelsTheChildren()
    {
        var loop = NewLoop();
        using var cts = new CancellationTokenSource();
        var a = loop.CreateTask(() => loop.Sleep(5).AsTaskForTest());
        var gathered = loop.Gather([a], cancellationToken: cts.Token);
        loop.CallLater(1, cts.Cancel);
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(gathered));
        Assert.True(a.Cancelled);
    }

    [Fact]
    public void Shield_TokenFires_CancelsTheOuterOnly()
    {
        var loop = NewLoop();
        using var cts = new CancellationTokenSource();
        var inner = loop.CreateTask(async () => { await loop.Sleep(2); return 5; });
        var outer = loop.Shield(inner, cts.Token);
        loop.CallLater(1, cts.Cancel);
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(outer));
        Assert.Equal(5, loop.RunUntilComplete(inner));
    }

    [Fact]
    public void AsCompleted_TokenFires_RemainingAwaitablesThrow()
    {
        var loop = NewLoop();
        using var cts = new CancellationTokenSource();
        var fast = loop.CreateTask(async () => { await loop.Sleep(1); return 1; });
        var slow = loop.CreateTask(async () => { await loop.Sleep(10); return 2; });
        loop.CallLater(2, cts.Cancel);
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            foreach (var next in loop.AsCompleted([fast, slow], cancellationToken: cts.Token))
            {
                try
                {
                    log.Add("got " + await next);
                }
                catch (OperationCanceledException)
                {
                    log.Add("cancelled at " + loop.Time());
                }
            }
        });
        Assert.Equal(["got 1", "cancelled at 2"], log);
        Assert.False(slow.Cancelled); // as_completed cancels nothing
        slow.Cancel();
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(slow));
    }

    [Fact]
    public void AsCompletedAsync_TokenFires_IterationThrows()
    {
        var loop = NewLoop();
        using var cts = new CancellationTokenSource();
        var slow = loop.CreateTask(() => loop.Sleep(10).AsTaskForTest());
        loop.CallLater(2, cts.Cancel);
        loop.RunUntilComplete(() => Raises<OperationCanceledException>(async () =>
        {
            await foreach (var _ in loop.AsCompletedAsync([slow], cancellationToken: cts.Token))
            {
            }
        }));
        Assert.Equal(2.0, loop.Time());
        slow.Cancel();
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(slow));
    }

    [Fact]
    public void RunInExecutor_TokenCancelledAlready_JobNeverRuns()
    {
        var loop = NewLoop();
        bool ran = false;
        var future = loop.RunInExecutor(() => ran = true, cancellationToken: new CancellationToken(true));
        Assert.True(future.Cancelled);
        RunOnce(loop);
        Assert.False(ran);
    }
}

internal static class SleepTestExtensions
{
    /// <summary>A sleep as a Task-returning coroutine, for APIs in these tests that take <c>Func&lt;Task&gt;</c>.</summary>
    public static async Task AsTaskForTest(this SleepAwaitable sleep) => await sleep;
}
