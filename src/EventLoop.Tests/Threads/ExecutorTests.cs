using System.Collections.Concurrent;

namespace Asyncio.Tests.Threads;

/// <summary>RunInExecutor, ToThread, WrapFuture and RunCoroutineThreadsafe: work across threads, results on the loop.</summary>
public class ExecutorTests : LoopTest
{
    private static readonly AsyncLocal<string?> s_local = new();

    [Fact]
    public void RunInExecutor_RunsOnAnotherThread_ResultResumesOnTheLoopThread()
    {
        var loop = NewRealLoop();
        int loopThread = Environment.CurrentManagedThreadId;
        var (result, jobThread, resumedOn) = Run(loop, async () =>
        {
            int jobThread = 0;
            var result = await loop.RunInExecutor(() =>
            {
                jobThread = Environment.CurrentManagedThreadId;
                Thread.Sleep(20);
                return 42;
            });
            return (result, jobThread, Environment.CurrentManagedThreadId);
        });
        Assert.Equal(42, result);
        Assert.NotEqual(loopThread, jobThread);
        Assert.Equal(loopThread, resumedOn);
    }

    [Fact]
    public void RunInExecutor_FunctionThrows_AwaitRethrowsTheException()
    {
        var loop = NewRealLoop();
        var error = Run(loop, () => Assert.ThrowsAsync<FormatException>(async () =>
            await loop.RunInExecutor<int>(() => throw new FormatException("bad"))));
        Assert.Equal("bad", error.Message);
    }

    [Fact]
    public void RunInExecutor_GivenScheduler_RunsTheJobThere()
    {
        var loop = NewRealLoop();
        var scheduler = new CountingScheduler();
        var result = Run(loop, async () =>
        {
            await loop.RunInExecutor(() => { }, scheduler);
            return await loop.RunInExecutor(() => "done", scheduler);
        });
        Assert.Equal("done", result);
        Assert.Equal(2, scheduler.Queued);
    }

    [Fact]
    public void RunInExecutor_OnVirtualTime_LoopWaitsForTheJobInsteadOfReportingADeadlock()
    {
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        var result = loop.RunUntilComplete(async () =>
        {
            var slow = loop.RunInExecutor(() =>
            {
                Thread.Sleep(50);
                return "slow";
            });
            var wrapped = loop.WrapFuture(Task.Run(async () =>
            {
                await Task.Delay(30);
                return "wrapped";
            }));
            return await slow + " " + await wrapped;
        });
        Assert.Equal("slow wrapped", result);
        Assert.Equal(0.0, loop.Time());
    }

    [Fact]
    public void ToThread_FlowsAsyncLocals_RunInExecutorDoesNot()
    {
        var loop = NewRealLoop();
        var (viaToThread, viaExecutor) = Run(loop, async () =>
        {
            s_local.Value = "caller";
            var a = await loop.ToThread(() => s_local.Value);
            var b = await loop.RunInExecutor(() => s_local.Value);
            return (a, b);
        });
        Assert.Equal("caller", viaToThread);
        Assert.Null(viaExecutor);
    }

    [Fact]
    public void RunInExecutor_CancelledBeforeTheJobStarts_JobNeverRuns()
    {
        var loop = NewRealLoop();
        var scheduler = new ManualScheduler();
        bool ran = false;
        var cancelled = Run(loop, async () =>
        {
            var future = loop.RunInExecutor(() => ran = true, scheduler);
            future.Cancel();
            scheduler.RunAll();
            await Assert.ThrowsAsync<CancelledError>(async () => await future);
            await loop.Sleep(0.01);
            return future.Cancelled;
        });
        Assert.True(cancelled);
        Assert.False(ran);
    }

    [Fact]
    public void WrapFuture_TaskCompletedFromAnotherThread_FutureGetsItsResult()
    {
        var loop = NewRealLoop();
        var result = Run(loop, async () =>
        {
            var source = new TaskCompletionSource<int>();
            new Thread(() =>
            {
                Thread.Sleep(20);
                source.SetResult(7);
            }) { IsBackground = true }.Start();
            return await source.Task.AsFuture();
        });
        Assert.Equal(7, result);
    }

    [Fact]
    public void WrapFuture_Cancelled_CancelsTheTokenSource()
    {
        var loop = NewRealLoop();
        var (tokenCancelled, futureCancelled) = Run(loop, async () =>
        {
            var cancellation = new CancellationTokenSource();
            var pending = Task.Delay(Timeout.Infinite, cancellation.Token);
            var future = loop.WrapFuture(pending, cancellation);
            loop.CallLater(0.01, () => future.Cancel());
            await Assert.ThrowsAsync<CancelledError>(async () => await future);
            return (cancellation.IsCancellationRequested, future.Cancelled);
        });
        Assert.True(tokenCancelled);
        Assert.True(futureCancelled);
    }

    [Fact]
    public void WrapFuture_FaultedTask_UnwrapsTheSingleException()
    {
        var loop = NewRealLoop();
        var error = Run(loop, () => Assert.ThrowsAsync<TimeoutException>(async () =>
            await loop.WrapFuture(Task.FromException<int>(new TimeoutException("slow")))));
        Assert.Equal("slow", error.Message);
    }

    /// <summary>Runs <paramref name="loop"/> while <paramref name="submit"/> runs on a thread of its own, then stops it (a 10-second timer stops a test that hangs).</summary>
    private static void RunWhileSubmitting(EventLoop loop, Action submit)
    {
        var submitter = new Thread(() =>
        {
            submit();
            loop.Stop();
        }) { IsBackground = true };
        var guard = loop.CallLater(10, loop.Stop);
        submitter.Start();
        loop.RunForever();
        guard.Cancel();
        Assert.True(submitter.Join(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void RunCoroutineThreadsafe_FromAnotherThread_ReturnsTheTasksResult()
    {
        var loop = NewRealLoop();
        int loopThread = Environment.CurrentManagedThreadId;
        var outcome = new ConcurrentQueue<string>();
        RunWhileSubmitting(loop, () =>
        {
            s_local.Value = "from the submitting thread";
            var task = loop.RunCoroutineThreadsafe(async () =>
            {
                await loop.Sleep(0.01);
                outcome.Enqueue($"on loop thread: {Environment.CurrentManagedThreadId == loopThread}, local: {s_local.Value}");
                return 5;
            });
            outcome.Enqueue("result " + task.Result);
            var failing = loop.RunCoroutineThreadsafe(async () =>
            {
                await loop.Sleep(0);
                throw new InvalidOperationException("in the loop");
            });
            try
            {
                failing.Wait();
            }
            catch (AggregateException e)
            {
                outcome.Enqueue("failed: " + e.InnerException!.Message);
            }
        });
        Assert.Equal(["on loop thread: True, local: from the submitting thread", "result 5", "failed: in the loop"], outcome);
    }

    private static async Coroutine<int> OnTheLoop(EventLoop loop, int loopThread, ConcurrentQueue<string> outcome)
    {
        outcome.Enqueue($"body starts on the loop thread: {Environment.CurrentManagedThreadId == loopThread}");
        await loop.Sleep(0);
        return 7;
    }

    // asyncio: run_coroutine_threadsafe(coro(), loop), the coroutine object made on the calling
    // thread: calling an async Coroutine method there runs none of its body.
    [Fact]
    public void RunCoroutineThreadsafe_ACoroutineMadeOnAnotherThread_RunsWhollyOnTheLoop()
    {
        var loop = NewRealLoop();
        int loopThread = Environment.CurrentManagedThreadId;
        var outcome = new ConcurrentQueue<string>();
        RunWhileSubmitting(loop, () =>
        {
            var coroutine = OnTheLoop(loop, loopThread, outcome);
            outcome.Enqueue("made");
            outcome.Enqueue("result " + loop.RunCoroutineThreadsafe(coroutine).Result);
        });
        Assert.Equal(["made", "body starts on the loop thread: True", "result 7"], outcome);
    }

    [Fact]
    public void RunCoroutineThreadsafe_TokenCancelled_CancelsTheLoopTask()
    {
        var loop = NewRealLoop();
        var log = new ConcurrentQueue<string>();
        RunWhileSubmitting(loop, () =>
        {
            using var cancellation = new CancellationTokenSource();
            var task = loop.RunCoroutineThreadsafe(async () =>
            {
                try
                {
                    await loop.Sleep(30);
                }
                catch (CancelledError)
                {
                    log.Enqueue("loop task cancelled");
                    throw;
                }
            }, cancellation.Token);
            Thread.Sleep(50);
            cancellation.Cancel();
            try
            {
                task.Wait();
            }
            catch (AggregateException e) when (e.InnerException is TaskCanceledException)
            {
                log.Enqueue("returned task canceled");
            }
        });
        Assert.Equal(["loop task cancelled", "returned task canceled"], log);
    }

    [Fact]
    public void RunCoroutineThreadsafe_ClosedLoop_Throws()
    {
        var loop = NewRealLoop();
        loop.Close();
        Assert.Throws<InvalidOperationException>(() => { _ = loop.RunCoroutineThreadsafe(() => Task.FromResult(1)); });
    }

    private sealed class CountingScheduler : TaskScheduler
    {
        public int Queued;

        protected override void QueueTask(Task task)
        {
            Interlocked.Increment(ref Queued);
            ThreadPool.UnsafeQueueUserWorkItem(_ => TryExecuteTask(task), null);
        }

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks() => [];
    }

    /// <summary>Holds jobs until <see cref="RunAll"/>: a job cancelled before it runs is never started.</summary>
    private sealed class ManualScheduler : TaskScheduler
    {
        private readonly List<Task> _tasks = [];

        public void RunAll()
        {
            foreach (var task in _tasks.ToArray())
                TryExecuteTask(task);
        }

        protected override void QueueTask(Task task) => _tasks.Add(task);

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks() => _tasks;
    }
}
