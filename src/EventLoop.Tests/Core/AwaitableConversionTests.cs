namespace Asyncio.Tests.Core;

/// <summary>Awaitable and Awaitable&lt;T&gt;: every awaitable kind, and lambdas returning one, reach every API without a cast or a wrapper.</summary>
public class AwaitableConversionTests : LoopTest
{
    private static async Coroutine<int> Seven(EventLoop loop)
    {
        await loop.Sleep(1);
        return 7;
    }

    private static async Coroutine Nap(EventLoop loop) => await loop.Sleep(1);

    private static async Task<int> EightAsync(EventLoop loop)
    {
        await loop.Sleep(1);
        return 8;
    }

    [Fact]
    public void RunUntilComplete_EveryAwaitableKind_RunsItAndReturnsItsResult()
    {
        var loop = NewLoop();
        var queue = new AsyncQueue<int>();
        queue.PutNowait(4);

        Assert.Null(loop.RunUntilComplete(loop.Sleep(0.5)));
        Assert.Equal(0.5, loop.Time());
        int a = loop.RunUntilComplete(EightAsync(loop));          // Task<int>
        int b = loop.RunUntilComplete(queue.GetAsync());          // ValueTask<int>, done already
        int c = loop.RunUntilComplete(Seven(loop));               // Coroutine<int>
        loop.RunUntilComplete(Nap(loop));                         // Coroutine
        loop.RunUntilComplete(() => loop.Sleep(1));               // lambda returning a sleep
        int d = loop.RunUntilComplete(async () => { await loop.Sleep(1); return 9; });
        loop.CallLater(1, () => queue.PutNowait(5));
        int e = loop.RunUntilComplete(() => queue.GetAsync());    // lambda returning ValueTask<int>
        var future = loop.CreateFuture<int>();
        loop.CallLater(1, () => future.SetResult(6));
        int f = loop.RunUntilComplete(future);
        loop.RunUntilComplete((Task)Task.CompletedTask);          // untyped Task
        loop.RunUntilComplete(new ValueTask());                   // untyped ValueTask

        Assert.Equal([8, 4, 7, 9, 5, 6], [a, b, c, d, e, f]);
        Assert.Equal(7.5, loop.Time());
    }

    [Fact]
    public void RunUntilComplete_PendingValueTaskOfOwnPrimitive_IsAwaitedByATask()
    {
        var loop = NewLoop();
        var queue = new AsyncQueue<int>();
        loop.CallLater(2, () => queue.PutNowait(3));
        Assert.Equal(3, loop.RunUntilComplete(loop.CreateTask(() => queue.GetAsync())));
        Assert.Equal(2.0, loop.Time());
    }

    [Fact]
    public void WaitFor_EveryAwaitableKind_CompilesAndGivesTheResult()
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            var queue = new AsyncQueue<int>();
            loop.CallLater(0.5, () => queue.PutNowait(1));
            log.Add("valuetask " + await loop.WaitFor(queue.GetAsync(), 1.0));
            loop.CallLater(0.5, () => queue.PutNowait(2));
            log.Add("lambda valuetask " + await loop.WaitFor(() => queue.GetAsync(), 1.0));
            log.Add("task " + await loop.WaitFor(EightAsync(loop), TimeSpan.FromSeconds(2)));
            log.Add("coroutine " + await loop.WaitFor(Seven(loop), 2.0));
            log.Add("async lambda " + await loop.WaitFor(async () => { await loop.Sleep(0.5); return 3; }, 1.0));
            var task = loop.CreateTask(() => EightAsync(loop));
            log.Add("looptask " + await loop.WaitFor(task, 2.0));
            await loop.WaitFor(loop.Sleep(0.5), 1.0);
            await loop.WaitFor(() => loop.Sleep(0.5), TimeSpan.FromSeconds(1));
            await loop.WaitFor(Nap(loop), 2.0);
            await loop.WaitFor(Task.CompletedTask, 1.0);
            log.Add("untyped done at " + loop.Time());
        });
        Assert.Equal(["valuetask 1", "lambda valuetask 2", "task 8", "coroutine 7", "async lambda 3", "looptask 8", "untyped done at 6.5"], log);
    }

    [Fact]
    public void WaitFor_ValueTaskOfQueueTimesOut_LeavesNoGetterBehind()
    {
        var loop = NewLoop();
        var queue = new AsyncQueue<int>();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            try
            {
                await loop.WaitFor(queue.GetAsync(), TimeSpan.FromSeconds(1));
            }
            catch (TimeoutException)
            {
                log.Add("timeout at " + loop.Time());
            }
            queue.PutNowait(1);
            await loop.Sleep(0);
            log.Add("still queued: " + queue.Count);
        });
        Assert.Equal(["timeout at 1", "still queued: 1"], log);
    }

    [Fact]
    public void Timeout_BodyReturningAnyAwaitable_IsAwaitedUnderTheDeadline()
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            await loop.Timeout(1.0, () => loop.Sleep(0.5));
            try
            {
                await loop.Timeout(TimeSpan.FromSeconds(1), () => loop.Sleep(5));
            }
            catch (TimeoutException)
            {
                log.Add("timeout at " + loop.Time());
            }
            var queue = new AsyncQueue<int>();
            queue.PutNowait(4);
            log.Add("got " + await loop.Timeout(TimeSpan.FromSeconds(1), () => queue.GetAsync()));
            log.Add("async " + await loop.Timeout(TimeSpan.FromSeconds(1), async () => { await loop.Sleep(0.25); return 5; }));
        });
        Assert.Equal(["timeout at 1.5", "got 4", "async 5"], log);
    }

    [Fact]
    public void Gather_MixedAwaitables_GivesBoxedResultsInArgumentOrder()
    {
        var loop = NewLoop();
        object?[] results = loop.RunUntilComplete(async () =>
            await loop.Gather(EightAsync(loop), loop.Sleep(2), Seven(loop), loop.CreateTask(() => EightAsync(loop))));
        Assert.Equal([8, null, 7, 8], results);
        Assert.Equal(2.0, loop.Time());
    }

    [Fact]
    public void Gather_ListOfTypedTasks_KeepsTheTypedOverload()
    {
        var loop = NewLoop();
        int[] results = loop.RunUntilComplete(async () =>
        {
            var a = loop.CreateTask(() => EightAsync(loop));
            var b = loop.CreateTask(() => EightAsync(loop));
            return await loop.Gather([a, b]);
        });
        Assert.Equal([8, 8], results);
    }

    [Fact]
    public void EnsureFutureAndShield_AnyAwaitable_GiveFuturesOfThisLoop()
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            var sleep = loop.EnsureFuture(loop.Sleep(1));
            Assert.True(sleep is LoopTask);
            var shielded = loop.Shield(EightAsync(loop));
            await sleep;
            log.Add("shielded " + await shielded + " at " + loop.Time());
            var existing = loop.CreateFuture<int>();
            Assert.Same(existing, loop.EnsureFuture((Awaitable)existing));
        });
        Assert.Equal(["shielded 8 at 1"], log);
    }

    [Fact]
    public void CreateTask_LambdaReturningValueTaskOrSleep_MakesATask()
    {
        var loop = NewLoop();
        var queue = new AsyncQueue<string>();
        var getter = loop.CreateTask(() => queue.GetAsync());
        var sleeper = loop.CreateTask(() => loop.Sleep(2));
        loop.CallLater(1, () => queue.PutNowait("x"));
        loop.RunUntilComplete(sleeper);
        Assert.Equal("x", getter.Result());
        Assert.Equal(2.0, loop.Time());
    }

    [Fact]
    public void DefaultAwaitable_IsDoneAtOnce()
    {
        var loop = NewLoop();
        Assert.Null(loop.RunUntilComplete(default(Awaitable)));
        Assert.Equal(0, loop.RunUntilComplete(default(Awaitable<int>)));
    }

    [Fact]
    public void Conversions_NullTaskOrFuture_ThrowArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => { Awaitable a = (Task)null!; });
        Assert.Throws<ArgumentNullException>(() => { Awaitable<int> a = (Future<int>)null!; });
    }

    // ---- AsTask ----

    [Fact]
    public async Task AsTask_FutureWithResult_CompletesWithIt()
    {
        var loop = NewLoop();
        var future = loop.CreateFuture<int>();
        Task<int> task = future.AsTask();
        Task untyped = ((Future)future).AsTask();
        bool completedInsideSetResult = true;
        loop.CallLater(1, () =>
        {
            future.SetResult(5);
            completedInsideSetResult = task.IsCompleted; // a done-callback: never inside SetResult
        });
        loop.RunUntilComplete(future);
        Assert.False(completedInsideSetResult);
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal(5, await task);
        Assert.True(untyped.IsCompletedSuccessfully);
    }

    [Fact]
    public void AsTask_CancelledFuture_IsCanceled()
    {
        var loop = NewLoop();
        var task = loop.CreateTask(async () => { await loop.Sleep(10); return 1; });
        Task<int> bridged = task.AsTask();
        loop.CallLater(1, () => task.Cancel());
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        RunOnce(loop);
        Assert.True(bridged.IsCanceled);
    }

    [Fact]
    public void AsTask_FailedTask_FaultsAndCountsAsRetrieved()
    {
        var loop = NewLoop();
        var task = loop.CreateTask(() => Task.FromException(new InvalidOperationException("boom")));
        Task bridged = task.AsTask();
        loop.RunUntilComplete(loop.Sleep(0.1));
        Assert.True(bridged.IsFaulted);
        Assert.Equal("boom", bridged.Exception!.InnerException!.Message);
        loop.Close();
        Assert.Empty(TakeReports()); // not "Task exception was never retrieved"
    }

    [Fact]
    public async Task AsTask_DoneFuture_IsCompletedAtOnce()
    {
        var loop = NewLoop();
        var future = loop.CreateFuture<string>();
        future.SetResult("done");
        var task = future.AsTask();
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal("done", await task);
        RunOnce(loop);
    }

    [Fact]
    public void AsTask_AwaitedInsideALoopTask_ResumesOnTheLoopNeverInline()
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            var future = loop.CreateFuture<int>();
            Task<int> task = future.AsTask();
            loop.CallSoon(() =>
            {
                future.SetResult(1);
                log.Add("completer ends");
            });
            int value = await task;
            log.Add("awaiter resumed with " + value + " on loop thread: " + (EventLoop.RunningLoop == loop));
        });
        Assert.Equal(["completer ends", "awaiter resumed with 1 on loop thread: True"], log);
    }

    [Fact]
    public void AsTask_FromAnotherThreadWhileRunning_Throws()
    {
        var loop = NewLoop();
        var future = loop.CreateFuture<int>();
        Exception? error = null;
        loop.RunUntilComplete(async () =>
        {
            var thread = new Thread(() => error = Record.Exception(() => { _ = future.AsTask(); }));
            thread.Start();
            while (thread.IsAlive)
                await loop.Sleep(0.001);
            Assert.True(thread.Join(TimeSpan.FromSeconds(10)));
            future.SetResult(1);
        });
        Assert.IsType<InvalidOperationException>(error);
        Assert.Equal(0, future.CallbackCount);
    }
}
