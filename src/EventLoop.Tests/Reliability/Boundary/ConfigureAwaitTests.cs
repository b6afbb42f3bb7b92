namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>
/// A loop task whose method leaves the loop thread (<c>ConfigureAwait(false)</c>,
/// <c>Task.Run</c>) still finishes, on the loop thread, its done-callbacks scheduled with
/// <c>CallSoon</c>; a coroutine task never leaves. Virtual time as well as real time.
/// </summary>
/// <remarks>
/// The loop runs on a thread of its own, joined with a timeout, so that a regression (a task
/// pending forever) fails the test instead of hanging it.
/// </remarks>
public class ConfigureAwaitTests : LoopTest
{
    private static T RunBounded<T>(EventLoop loop, Func<EventLoop, T> main) => OwnThread.Run(loop, main);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LoopTask_MethodEndsOnThePoolAfterConfigureAwaitFalse_FinishesWithItsResult(bool virtualTime)
    {
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = virtualTime });
        var reports = new List<ExceptionContext>();
        loop.SetExceptionHandler((_, context) => reports.Add(context));
        int result = RunBounded(loop, l => l.RunUntilComplete(async () =>
        {
            await Task.Delay(10).ConfigureAwait(false);
            return 5;
        }));
        Assert.Equal(5, result);
        Assert.Empty(reports);
    }

    [Fact]
    public void LoopTask_MethodEndsOnThePool_DoneCallbacksRunOnTheLoopThreadInOrder()
    {
        var loop = NewLoop();
        var log = new List<string>();
        RunBounded(loop, l =>
        {
            int loopThread = Environment.CurrentManagedThreadId;
            var task = l.CreateTask(async () =>
            {
                // ForceYielding: the continuation always goes to the pool. A Task.Run here could
                // finish before the await looks at it and then continue inline, on the loop thread.
                await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
                log.Add("method ends on the pool: " + (Environment.CurrentManagedThreadId != loopThread));
                return 1;
            });
            task.AddDoneCallback(t => log.Add("callback 1 on the loop: " + (Environment.CurrentManagedThreadId == loopThread) + ", done: " + t.Done));
            task.AddDoneCallback(_ => log.Add("callback 2"));
            l.RunUntilComplete(task); // its own done-callback, added last, stops the loop after the two
            return 0;
        });
        Assert.Equal(["method ends on the pool: True", "callback 1 on the loop: True, done: True", "callback 2"], log);
    }

    [Fact]
    public void LoopTask_AfterConfigureAwaitFalse_AwaitOfLoopFutureWorksAndTheTaskFinishes()
    {
        var loop = NewLoop();
        int result = RunBounded(loop, l => l.RunUntilComplete(async () =>
        {
            var future = l.CreateFuture<int>();
            var task = l.CreateTask(async () =>
            {
                await Task.Delay(5).ConfigureAwait(false);
                return await future + 1; // from the pool: registered through the inbox
            });
            while (future.CallbackCount == 0)
                await Task.Delay(1); // a real wait the virtual clock does not skip
            future.SetResult(41);
            return await task;
        }));
        Assert.Equal(42, result);
    }

    [Fact]
    public void LoopTask_AfterConfigureAwaitFalse_LoopCallFailsTheTaskWithTheWrongThreadError()
    {
        var loop = NewLoop();
        var error = RunBounded(loop, l =>
        {
            var task = l.CreateTask(async () =>
            {
                await Task.Delay(5).ConfigureAwait(false);
                l.CallSoon(() => { });
            });
            try
            {
                l.RunUntilComplete(task);
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        });
        Assert.Equal("Non-thread-safe operation invoked on an event loop other than the current one", Assert.IsType<InvalidOperationException>(error).Message);
        // The inner exception names the call and the likely cause, which asyncio cannot have.
        var cause = Assert.IsType<InvalidOperationException>(error.InnerException).Message;
        Assert.StartsWith("CallSoon was called from another thread", cause);
        Assert.Contains("ConfigureAwait(false)", cause);
    }

    [Fact]
    public void LoopTask_CancelledWhileOnThePool_EndsCancelled()
    {
        var loop = NewLoop();
        bool cancelled = RunBounded(loop, l =>
        {
            var release = new SemaphoreSlim(0);
            var task = l.CreateTask(async () =>
            {
                await Task.Yield(); // one step on the loop first
                await release.WaitAsync().ConfigureAwait(false);
            });
            l.RunUntilComplete(l.CreateTask(async () =>
            {
                await l.Sleep(0);
                await l.Sleep(0);
                task.Cancel();
                release.Release();
                try
                {
                    await task;
                }
                catch (CancelledError)
                {
                }
            }));
            return task.Cancelled;
        });
        Assert.True(cancelled);
    }

    private static async Coroutine<(bool OnLoop, bool Current)> BackOnTheLoop(EventLoop loop)
    {
        await Task.Delay(5).ConfigureAwait(false);
        return (EventLoop.RunningLoop == loop, loop.CurrentTask is not null);
    }

    [Fact]
    public void CoroutineTask_ConfigureAwaitFalse_ResumesOnTheLoopAsAStepOfItsTask()
    {
        var loop = NewLoop();
        var (onLoop, current) = RunBounded(loop, l => l.RunUntilComplete(BackOnTheLoop(l)));
        Assert.True(onLoop);
        Assert.True(current);
    }
}
