namespace Asyncio.Tests.Synchronization;

/// <summary>The rules every lock-like primitive shares, run over each of them with one free slot: <see cref="AsyncLock"/>, <see cref="AsyncSemaphore"/>(1), <see cref="AsyncBoundedSemaphore"/>(1) and <see cref="AsyncCondition"/>'s lock.</summary>
/// <remarks>
/// What differs between them (their reprs, a release too many, several permits, a count of
/// zero) stays in their own test classes. Each nested class below only says how to make one.
/// </remarks>
public abstract class LockLikeTests : LoopTest
{
    /// <summary>A lock-like primitive, free, seen through the members they all have.</summary>
    public sealed record LockLike(
        Func<CancellationToken, ValueTask<bool>> AcquireAsync,
        Func<CancellationToken, ValueTask<LockReleaser>> LockAsync,
        Func<bool> TryAcquire,
        Action Release,
        Func<bool> Locked,
        Func<int> WaiterCount);

    protected abstract LockLike Create();

    public sealed class OverAsyncLock : LockLikeTests
    {
        protected override LockLike Create()
        {
            var x = new AsyncLock();
            return new(x.AcquireAsync, x.LockAsync, x.TryAcquire, x.Release, () => x.Locked, () => x.WaiterCount);
        }
    }

    public sealed class OverAsyncSemaphore : LockLikeTests
    {
        protected override LockLike Create()
        {
            var x = new AsyncSemaphore(1);
            return new(x.AcquireAsync, x.LockAsync, x.TryAcquire, x.Release, () => x.Locked, () => x.WaiterCount);
        }
    }

    public sealed class OverAsyncBoundedSemaphore : LockLikeTests
    {
        protected override LockLike Create()
        {
            var x = new AsyncBoundedSemaphore(1);
            return new(x.AcquireAsync, x.LockAsync, x.TryAcquire, x.Release, () => x.Locked, () => x.WaiterCount);
        }
    }

    public sealed class OverAsyncCondition : LockLikeTests
    {
        protected override LockLike Create()
        {
            var inner = new AsyncLock();
            var x = new AsyncCondition(inner);
            return new(x.AcquireAsync, x.LockAsync, x.TryAcquire, x.Release, () => x.Locked, () => inner.WaiterCount);
        }
    }

    // cpython: test_locks.py::LockTests::test_release_no_waiters, SemaphoreTests::test_semaphore
    [Fact]
    public void Acquire_Free_TakesItAtOnceWithoutALoop()
    {
        var x = Create();

        var acquired = x.AcquireAsync(default);
        Assert.True(acquired is { IsCompletedSuccessfully: true, Result: true });
        Assert.True(x.Locked());
        Assert.False(x.TryAcquire());
        x.Release();
        Assert.False(x.Locked());

        var held = x.LockAsync(default);
        if (held is not { IsCompletedSuccessfully: true, Result: var releaser })
            throw new Xunit.Sdk.XunitException("LockAsync waited on a free primitive");
        Assert.True(x.Locked());
        releaser.Dispose();
        Assert.False(x.Locked());

        Assert.True(x.TryAcquire());
        Assert.True(x.Locked());
        x.Release();
        Assert.False(x.Locked());
        Assert.Equal(0, x.WaiterCount());
    }

    // cpython: test_locks.py::SemaphoreTests::test_acquire_fifo_order (and LockTests::test_acquire)
    [Fact]
    public void Acquire_RepeatedBySeveralTasks_TakesTurnsInFifoOrder()
    {
        var loop = NewLoop();
        var x = Create();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            async Task Worker(string tag)
            {
                await x.AcquireAsync(default);
                log.Add($"{tag}_1 at {loop.Time()}");
                await loop.Sleep(1);
                x.Release();
                // Queues behind the others, although the release left it free for a moment.
                await x.AcquireAsync(default);
                log.Add($"{tag}_2 at {loop.Time()}");
                await loop.Sleep(1);
                x.Release();
            }
            await loop.Gather(() => Worker("c1"), () => Worker("c2"), () => Worker("c3"));
        });

        Assert.Equal(["c1_1 at 0", "c2_1 at 1", "c3_1 at 2", "c1_2 at 3", "c2_2 at 4", "c3_2 at 5"], log);
        Assert.False(x.Locked());
    }

    // cpython: test_locks.py::LockTests::test_acquire (the third waiter), SemaphoreTests::test_acquire_fifo_order_2
    [Fact]
    public void Acquire_WhileAWokenWaiterHasNotResumed_QueuesBehindIt()
    {
        var loop = NewLoop();
        var x = Create();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            Assert.True(x.TryAcquire());
            var first = loop.CreateTask(async () =>
            {
                await x.AcquireAsync(default);
                log.Add("first");
                x.Release();
            });
            await loop.Sleep(0);
            Assert.Equal(1, x.WaiterCount());

            x.Release(); // wakes first, which takes it when it resumes
            Assert.False(x.TryAcquire());
            var newcomer = x.AcquireAsync(default);
            Assert.False(newcomer.IsCompleted);
            Assert.Equal(2, x.WaiterCount());
            log.Add("newcomer queued");

            Assert.True(await newcomer);
            log.Add("newcomer");
            Assert.True(first.Done);
            x.Release();
        });

        Assert.Equal(["newcomer queued", "first", "newcomer"], log);
        Assert.False(x.Locked());
        Assert.Equal(0, x.WaiterCount());
    }

    // asyncio's acquire() jumps a line of cancelled waiters only ("an optimization"), and TryAcquire with it.
    [Fact]
    public void TryAcquire_FreeWithOnlyCancelledWaitersInLine_TakesIt()
    {
        var loop = NewLoop();
        var x = Create();
        loop.RunUntilComplete(async () =>
        {
            Assert.True(x.TryAcquire());
            var waiter = loop.CreateTask(async () => await x.AcquireAsync(default));
            await loop.Sleep(0);
            waiter.Cancel();
            x.Release(); // the only waiter is cancelled: nobody is woken
            Assert.Equal(1, x.WaiterCount());
            Assert.False(x.Locked());

            Assert.True(x.TryAcquire());

            await Raises<CancelledError>(async () => await waiter);
            Assert.Equal(0, x.WaiterCount());
            Assert.True(x.Locked());
            x.Release();
        });
    }

    // cpython: test_locks.py::LockTests::test_acquire_cancel, SemaphoreTests::test_acquire_cancel
    [Fact]
    public void Acquire_CancelledWhileWaiting_LeavesTheLineAndTakesNothing()
    {
        var loop = NewLoop();
        var x = Create();
        loop.RunUntilComplete(async () =>
        {
            await x.AcquireAsync(default);
            var task = loop.CreateTask(async () => await x.AcquireAsync(default));
            loop.CallSoon(() => task.Cancel());
            await Raises<CancelledError>(async () => await task);
            Assert.Equal(0, x.WaiterCount());
            Assert.True(x.Locked());
            x.Release();
            Assert.False(x.Locked());
        });
    }

    // cpython: test_locks.py::LockTests::test_finished_waiter_cancelled, SemaphoreTests::test_acquire_hang
    [Fact]
    public void Acquire_WokenWaiterCancelledBeforeItResumes_PassesTheWakeUpOn()
    {
        var loop = NewLoop();
        var x = Create();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            await x.AcquireAsync(default);
            async Task Waiter(string name)
            {
                try
                {
                    await x.AcquireAsync(default);
                }
                catch (CancelledError)
                {
                    log.Add(name + " cancelled");
                    throw;
                }
                log.Add(name + " acquired");
            }
            var a = loop.CreateTask(() => Waiter("a"));
            var b = loop.CreateTask(() => Waiter("b"));
            await loop.Sleep(0);

            x.Release(); // wakes a
            a.Cancel(); // too late for a's wait: a throws when it resumes, and hands the wake-up to b
            await loop.Sleep(0);
            Assert.Equal(["a cancelled"], log);
            Assert.True(a.Cancelled);
            Assert.False(b.Done);

            await loop.Sleep(0);
            Assert.Equal(["a cancelled", "b acquired"], log);
            Assert.True(b.Done);
            Assert.True(x.Locked());
            x.Release();
        });
    }

    // cpython: test_locks.py::LockTests::test_cancel_race
    [Fact]
    public void Release_WhileTheFirstWaiterIsCancelled_WakesTheNext()
    {
        var loop = NewLoop();
        var x = Create();
        loop.RunUntilComplete(async () =>
        {
            async Task LockIt(Future? blocker)
            {
                await x.AcquireAsync(default);
                try
                {
                    if (blocker is not null)
                        await blocker;
                }
                finally
                {
                    x.Release();
                }
            }
            var fa = loop.CreateFuture<object?>();
            var ta = loop.CreateTask(() => LockIt(fa));
            await loop.Sleep(0);
            Assert.True(x.Locked());
            var tb = loop.CreateTask(() => LockIt(null));
            await loop.Sleep(0);
            Assert.Equal(1, x.WaiterCount());
            var tc = loop.CreateTask(() => LockIt(null));
            await loop.Sleep(0);
            Assert.Equal(2, x.WaiterCount());

            fa.SetResult(null);
            tb.Cancel();
            await loop.Sleep(0);
            Assert.True(ta.Done);
            Assert.True(tb.Cancelled);
            Assert.False(tc.Done);

            await loop.Sleep(0);
            Assert.True(tc.Done);
            Assert.False(x.Locked());
            Assert.Equal(0, x.WaiterCount());
        });
    }

    // cpython: test_locks.py::LockTests::test_cancel_release_race
    [Fact]
    public void CancelThenRelease_InOneCallback_HandsItToTheNextWaiterOnce()
    {
        var loop = NewLoop();
        var x = Create();
        int lockCount = 0, callCount = 0;
        loop.RunUntilComplete(async () =>
        {
            async Task LockIt()
            {
                callCount++;
                await x.AcquireAsync(default);
                lockCount++;
            }
            await x.AcquireAsync(default);
            var t1 = loop.CreateTask(() => LockIt());
            var t2 = loop.CreateTask(() => LockIt());
            var t3 = loop.CreateTask(() => LockIt());
            await loop.Sleep(0);
            loop.CallSoon(() =>
            {
                t1.Cancel();
                x.Release();
            });
            await Raises<CancelledError>(async () => await t1);
            Assert.Equal(1, lockCount);
            Assert.Equal(3, callCount);
            Assert.True(t2.Done);
            Assert.Equal(1, x.WaiterCount());
            t3.Cancel();
            await loop.Sleep(0);
            Assert.True(t3.Cancelled);
            Assert.Equal(0, x.WaiterCount());
            Assert.True(x.Locked());
            x.Release();
        });
    }

    // cpython: test_locks.py::SemaphoreTests::test_acquire_no_hang
    [Fact]
    public void LockAsync_WokenWaiterCancelledByTheHolder_LeavesItFree()
    {
        var loop = NewLoop();
        var x = Create();
        loop.RunUntilComplete(async () =>
        {
            LoopTask t2 = null!;
            var t1 = loop.CreateTask(async () =>
            {
                using (await x.LockAsync(default))
                    await loop.Sleep(0);
                t2.Cancel();
            });
            t2 = loop.CreateTask(async () =>
            {
                using (await x.LockAsync(default))
                    Assert.Fail("must not get it");
            });
            var results = await loop.Gather([t1, t2], returnExceptions: true);
            Assert.Null(results[0]);
            Assert.IsType<CancelledError>(results[1]);
            Assert.False(x.Locked());
            await loop.WaitFor(async () => await x.AcquireAsync(default), 1.0);
            Assert.True(x.Locked());
            x.Release();
        });
    }

    [Fact]
    public void Release_FromACallback_WakesTheWaiterBeforeLaterCallbacks()
    {
        var loop = NewLoop();
        var x = Create();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            await x.AcquireAsync(default);
            loop.CallLater(2, () =>
            {
                log.Add($"release at {loop.Time()}");
                x.Release();
                loop.CallSoon(() => log.Add("a callback scheduled after the release"));
            });
            var waiter = loop.CreateTask(async () =>
            {
                await x.AcquireAsync(default);
                log.Add($"acquired at {loop.Time()}");
            });
            await waiter;
            Assert.True(x.Locked());
            x.Release();
        });

        Assert.Equal(["release at 2", "acquired at 2", "a callback scheduled after the release"], log);
    }

    // cpython: test_locks.py::LockTests::test_context_manager
    [Fact]
    public void LockAsync_Using_ReleasesOnEveryWayOut()
    {
        var loop = NewLoop();
        var x = Create();
        loop.RunUntilComplete(async () =>
        {
            using (await x.LockAsync(default))
                Assert.True(x.Locked());
            Assert.False(x.Locked());
            try
            {
                using (await x.LockAsync(default))
                    throw new KeyNotFoundException();
            }
            catch (KeyNotFoundException)
            {
            }
            Assert.False(x.Locked());
        });
    }

    // A real thread: the test is about calls from another thread.
    [Fact]
    public void Calls_FromAnotherThreadWhileTheLoopRuns_ThrowAndChangeNothing()
    {
        var loop = NewLoop();
        var x = Create();
        var errors = new List<Exception?>();
        loop.RunUntilComplete(async () =>
        {
            await x.AcquireAsync(default);
            var waiter = loop.CreateTask(async () => await x.AcquireAsync(default));
            await loop.Sleep(0); // the wait binds it to this loop
            var thread = new Thread(() =>
            {
                Action[] calls =
                [
                    () => x.TryAcquire(),
                    () => x.Release(),
                    () => _ = x.AcquireAsync(default),
                    () => _ = x.LockAsync(default),
                ];
                foreach (var call in calls)
                {
                    try
                    {
                        call();
                        errors.Add(null);
                    }
                    catch (Exception e)
                    {
                        errors.Add(e);
                    }
                }
            });
            thread.Start();
            thread.Join();

            Assert.True(x.Locked());
            Assert.Equal(1, x.WaiterCount());
            Assert.False(waiter.Done);
            x.Release();
            await waiter;
            Assert.True(x.Locked());
            x.Release();
        });

        Assert.Equal(4, errors.Count);
        Assert.All(errors, e => Assert.Contains("from another thread while the loop runs", Assert.IsType<InvalidOperationException>(Assert.IsType<InvalidOperationException>(e).InnerException).Message));
    }
}
