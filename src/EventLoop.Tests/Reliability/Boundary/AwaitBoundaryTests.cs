namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>
/// A loop awaitable awaited from a thread that is not the loop's works. The
/// registration is carried to the loop thread, and the awaiting code resumes on its own side
/// (its SynchronizationContext, or the thread pool), never inline on the loop thread; nothing
/// throws out of <c>OnCompleted</c> (which would end the process).
/// </summary>
/// <remarks>Real threads, so a real-time loop; every run is bounded by <see cref="LoopTest.Run{T}(EventLoop, Func{Task{T}}, double)"/>'s guard.</remarks>
public class AwaitBoundaryTests : LoopTest
{
    /// <summary>Where a continuation ran: on a loop thread or not, on a pool thread or not.</summary>
    private readonly record struct Where(bool OnLoopThread, bool OnPoolThread)
    {
        public static Where Here => new(EventLoop.RunningLoop is not null, Thread.CurrentThread.IsThreadPoolThread);
    }

    /// <summary>Lets the loop run until <paramref name="future"/> has <paramref name="count"/> callbacks: the foreign await's registration arrived.</summary>
    private static async Task UntilRegistered(EventLoop loop, Future future, int count = 1)
    {
        while (future.CallbackCount < count)
            await loop.Sleep(0.001);
    }

    [Fact]
    public void Await_PendingLoopFutureFromThreadPool_ResumesOnThePoolWithTheResult()
    {
        var loop = NewRealLoop();
        var (result, where) = Run(loop, async () =>
        {
            var future = loop.CreateFuture<int>();
            var awaiting = Task.Run(async () =>
            {
                int value = await future;
                return (value, Where.Here);
            });
            await UntilRegistered(loop, future);
            future.SetResult(42);
            return await awaiting;
        });
        Assert.Equal(42, result);
        Assert.Equal(new Where(OnLoopThread: false, OnPoolThread: true), where);
    }

    [Fact]
    public void Await_FailedLoopFutureFromThreadPool_ThrowsItsExceptionThere()
    {
        var loop = NewRealLoop();
        var error = Run(loop, async () =>
        {
            var future = loop.CreateFuture<int>();
            var awaiting = ErrorOfAwaitOnThreadPool(future);
            await UntilRegistered(loop, future);
            future.SetException(new ArgumentException("boom"));
            return await awaiting;
        });
        Assert.Equal("boom", Assert.IsType<ArgumentException>(error).Message);
    }

    [Fact]
    public void Await_CancelledLoopFutureFromThreadPool_ThrowsCancelledError()
    {
        var loop = NewRealLoop();
        var error = Run(loop, async () =>
        {
            var future = loop.CreateFuture<int>();
            var awaiting = ErrorOfAwaitOnThreadPool(future);
            await UntilRegistered(loop, future);
            future.Cancel("stop");
            return await awaiting;
        });
        Assert.Equal("stop", Assert.IsType<CancelledError>(error).CancelMessage);
    }

    [Fact]
    public void Await_LoopTaskFromThreadPool_ResumesOnThePoolWithItsResult()
    {
        var loop = NewRealLoop();
        var (result, where) = Run(loop, async () =>
        {
            var gate = loop.CreateFuture<bool>();
            var task = loop.CreateTask(async () =>
            {
                await gate;
                return "done";
            });
            var awaiting = Task.Run(async () => (await task, Where.Here));
            await UntilRegistered(loop, task);
            gate.SetResult(true);
            return await awaiting;
        });
        Assert.Equal("done", result);
        Assert.Equal(new Where(false, true), where);
    }

    [Fact]
    public void Await_SleepFromThreadPool_SleepsOnTheLoopClockAndResumesOnThePool()
    {
        var loop = NewRealLoop();
        var (slept, where) = Run(loop, async () =>
        {
            double start = loop.Time();
            var awaiting = Task.Run(async () =>
            {
                await loop.Sleep(0.05);
                return Where.Here;
            });
            var where = await awaiting;
            return (loop.Time() - start, where);
        });
        Assert.True(slept >= 0.05, $"slept {slept} s");
        Assert.Equal(new Where(false, true), where);
    }

    [Fact]
    public void Await_SleepZeroFromThreadPool_Resumes()
    {
        var loop = NewRealLoop();
        var where = Run(loop, () => Task.Run(async () =>
        {
            await loop.Sleep(0);
            return Where.Here;
        }));
        Assert.Equal(new Where(false, true), where);
    }

    [Fact]
    public void Await_QueueGetStartedOnTheLoopAwaitedFromThreadPool_GetsTheItemOnThePool()
    {
        var loop = NewRealLoop();
        var (item, where) = Run(loop, async () =>
        {
            var queue = new AsyncQueue<int>();
            var get = queue.GetAsync(); // the wait is queued on the loop thread
            var awaiting = Task.Run(async () => (await get, Where.Here));
            await loop.Sleep(0.02); // the await's registration reaches the loop either way
            queue.PutNowait(7);
            return await awaiting;
        });
        Assert.Equal(7, item);
        Assert.Equal(new Where(false, true), where);
    }

    [Fact]
    public void Await_LockAcquireStartedOnTheLoopAwaitedFromThreadPool_Resumes()
    {
        var loop = NewRealLoop();
        var where = Run(loop, async () =>
        {
            var @lock = new AsyncLock();
            await @lock.AcquireAsync();
            var acquire = @lock.AcquireAsync();
            var awaiting = Task.Run(async () =>
            {
                await acquire;
                return Where.Here;
            });
            await loop.Sleep(0.02);
            @lock.Release();
            return await awaiting;
        });
        Assert.Equal(new Where(false, true), where);
    }

    private static async Coroutine<int> AddOneAfter(Future<int> future) => await future + 1;

    [Fact]
    public void Await_CoroutineFromThreadPool_RunsThereAndAwaitsTheLoopFuture()
    {
        var loop = NewRealLoop();
        var (result, where) = Run(loop, async () =>
        {
            var future = loop.CreateFuture<int>();
            var awaiting = Task.Run(async () => (await AddOneAfter(future), Where.Here));
            await UntilRegistered(loop, future);
            future.SetResult(1);
            return await awaiting;
        });
        Assert.Equal(2, result);
        Assert.Equal(new Where(false, true), where);
    }

    /// <summary>A SynchronizationContext that counts its posts and runs them on the pool.</summary>
    private sealed class CountingContext : SynchronizationContext
    {
        public int Posts;

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref Posts);
            ThreadPool.QueueUserWorkItem(_ =>
            {
                SetSynchronizationContext(this);
                d(state);
            });
        }
    }

    [Fact]
    public void Await_FromThreadWithItsOwnContext_ResumesThroughThatContext()
    {
        var loop = NewRealLoop();
        var context = new CountingContext();
        var (result, resumedIn) = Run(loop, async () =>
        {
            var future = loop.CreateFuture<int>();
            var done = new TaskCompletionSource<(int, SynchronizationContext?)>(TaskCreationOptions.RunContinuationsAsynchronously);
            async Task AwaitInContext()
            {
                int value = await future;
                done.SetResult((value, SynchronizationContext.Current));
            }
            context.Post(_ => _ = AwaitInContext(), null);
            await UntilRegistered(loop, future);
            future.SetResult(3);
            return await done.Task;
        });
        Assert.Equal(3, result);
        Assert.Same(context, resumedIn);
        Assert.Equal(2, context.Posts); // the start, then the resumption
    }

    [Fact]
    public void Await_ManyFromThreadPool_NoneLostAndCallbacksTouchedOnlyOnTheLoop()
    {
        var loop = NewRealLoop();
        const int count = 2000;
        int sum = Run(loop, async () =>
        {
            var future = loop.CreateFuture<int>();
            var awaiting = Enumerable.Range(0, count).Select(_ => Task.Run(async () => await future)).ToArray();
            await UntilRegistered(loop, future, count);
            future.SetResult(1);
            return (await Task.WhenAll(awaiting)).Sum();
        });
        Assert.Equal(count, sum);
    }

    [Fact]
    public void Await_PendingFutureOfClosedLoopFromThreadPool_ThrowsInvalidOperationThere()
    {
        var loop = NewRealLoop();
        var future = loop.CreateFuture<int>();
        loop.Close();
        var awaiting = Task.Run(async () => await future);
        var error = Assert.Throws<AggregateException>(() => awaiting.Wait(TimeSpan.FromSeconds(10))).InnerException;
        Assert.Equal(
            "Cannot await <Future pending> from a thread that is not its loop's: Event loop is closed, so it can never complete.",
            Assert.IsType<InvalidOperationException>(error).Message);
    }

    // Awaits a loop Future on a thread-pool thread and returns what that await threw (null: nothing).
    private static Task<Exception?> ErrorOfAwaitOnThreadPool(Future future) => Task.Run(async () =>
    {
        try
        {
            await future;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    });
}
