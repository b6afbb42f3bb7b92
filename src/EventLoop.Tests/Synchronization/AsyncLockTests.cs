namespace Asyncio.Tests.Synchronization;

public class AsyncLockTests : LoopTest
{
    // cpython: test_locks.py::LockTests::test_repr
    [Fact]
    public void ToString_ShowsStateAndWaiters()
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        Assert.Equal("<AsyncLock [unlocked]>", lk.ToString());
        loop.RunUntilComplete(async () =>
        {
            await lk.AcquireAsync();
            Assert.Equal("<AsyncLock [locked]>", lk.ToString());
            var t = loop.CreateTask(async () => await lk.AcquireAsync());
            await loop.Sleep(0);
            Assert.Equal("<AsyncLock [locked, waiters:1]>", lk.ToString());
            lk.Release();
            await t;
        });
    }

    // cpython: test_locks.py::LockTests::test_acquire
    [Fact]
    public void Acquire_Contended_WaitersTakeItInFifoOrder()
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        var result = new List<int>();
        loop.RunUntilComplete(async () =>
        {
            Assert.True(await lk.AcquireAsync());
            async Task<bool> C(int n)
            {
                if (await lk.AcquireAsync())
                    result.Add(n);
                return true;
            }
            var t1 = loop.CreateTask(() => C(1));
            var t2 = loop.CreateTask(() => C(2));
            await loop.Sleep(0);
            Assert.Empty(result);
            lk.Release();
            await loop.Sleep(0);
            Assert.Equal([1], result);
            await loop.Sleep(0);
            Assert.Equal([1], result);
            var t3 = loop.CreateTask(() => C(3));
            lk.Release();
            await loop.Sleep(0);
            Assert.Equal([1, 2], result);
            lk.Release();
            await loop.Sleep(0);
            Assert.Equal([1, 2, 3], result);
            Assert.True(t1.Result() && t2.Result() && t3.Result());
        });
    }

    // cpython: test_locks.py::LockTests::test_acquire_cancel
    [Fact]
    public void Acquire_CancelledWhileWaiting_LeavesTheLine()
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        loop.RunUntilComplete(async () =>
        {
            await lk.AcquireAsync();
            var task = loop.CreateTask(async () => await lk.AcquireAsync());
            loop.CallSoon(() => task.Cancel());
            await Assert.ThrowsAsync<CancelledError>(async () => await task);
            Assert.Equal(0, lk.WaiterCount);
        });
    }

    // cpython: test_locks.py::LockTests::test_cancel_race
    [Fact]
    public void Release_WhileFirstWaiterCancelled_WakesTheNext()
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        loop.RunUntilComplete(async () =>
        {
            async Task LockIt(Future? blocker)
            {
                await lk.AcquireAsync();
                try
                {
                    if (blocker is not null)
                        await blocker;
                }
                finally
                {
                    lk.Release();
                }
            }
            var fa = loop.CreateFuture<object?>();
            var ta = loop.CreateTask(() => LockIt(fa));
            await loop.Sleep(0);
            Assert.True(lk.Locked);
            var tb = loop.CreateTask(() => LockIt(null));
            await loop.Sleep(0);
            Assert.Equal(1, lk.WaiterCount);
            var tc = loop.CreateTask(() => LockIt(null));
            await loop.Sleep(0);
            Assert.Equal(2, lk.WaiterCount);
            fa.SetResult(null);
            tb.Cancel();
            await loop.Sleep(0);
            Assert.False(lk.Locked);
            Assert.True(ta.Done);
            Assert.True(tb.Cancelled);
            await tc;
        });
    }

    // cpython: test_locks.py::LockTests::test_cancel_release_race
    [Fact]
    public void CancelThenRelease_InOneCallback_TakesTheLockOnce()
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        int lockCount = 0, callCount = 0;
        loop.RunUntilComplete(async () =>
        {
            async Task LockIt()
            {
                callCount++;
                await lk.AcquireAsync();
                lockCount++;
            }
            await lk.AcquireAsync();
            var t1 = loop.CreateTask(() => LockIt());
            var t2 = loop.CreateTask(() => LockIt());
            var t3 = loop.CreateTask(() => LockIt());
            await loop.Sleep(0);
            loop.CallSoon(() =>
            {
                t1.Cancel();
                lk.Release();
            });
            await Assert.ThrowsAsync<CancelledError>(async () => await t1);
            Assert.Equal(1, lockCount);
            Assert.Equal(3, callCount);
            Assert.True(t1.Cancelled && t2.Done);
            t3.Cancel();
            await loop.Sleep(0);
            Assert.True(t3.Cancelled);
        });
    }

    // cpython: test_locks.py::LockTests::test_finished_waiter_cancelled
    [Fact]
    public void Cancel_WokenWaiter_PassesTheWakeUpOn()
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        loop.RunUntilComplete(async () =>
        {
            await lk.AcquireAsync();
            var tb = loop.CreateTask(async () => await lk.AcquireAsync());
            await loop.Sleep(0);
            Assert.Equal(1, lk.WaiterCount);
            var tc = loop.CreateTask(async () => await lk.AcquireAsync());
            tb.Cancel();
            lk.Release();
            await loop.Sleep(0);
            Assert.True(lk.Locked);
            Assert.True(tb.Cancelled);
            await tc;
        });
    }

    // cpython: test_locks.py::LockTests::test_release_not_acquired
    [Fact]
    public void Release_Unlocked_ThrowsLockIsNotAcquired()
    {
        var lk = new AsyncLock();
        var e = Assert.Throws<InvalidOperationException>(lk.Release);
        Assert.Equal("Lock is not acquired.", e.Message);
    }

    // cpython: test_locks.py::LockTests::test_release_no_waiters
    [Fact]
    public void Release_NoWaiters_Unlocks()
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        loop.RunUntilComplete(async () =>
        {
            await lk.AcquireAsync();
            Assert.True(lk.Locked);
            lk.Release();
            Assert.False(lk.Locked);
        });
    }

    // cpython: test_locks.py::LockTests::test_context_manager
    [Fact]
    public void LockAsync_Using_ReleasesOnExit()
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        loop.RunUntilComplete(async () =>
        {
            using (await lk.LockAsync())
                Assert.True(lk.Locked);
            Assert.False(lk.Locked);
        });
    }

    [Fact]
    public void LockAsync_Using_ReleasesWhenTheBodyThrows()
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        loop.RunUntilComplete(async () =>
        {
            try
            {
                using (await lk.LockAsync())
                    throw new KeyNotFoundException();
            }
            catch (KeyNotFoundException)
            {
            }
            Assert.False(lk.Locked);
        });
    }

    [Fact]
    public void Acquire_Free_DoesNotSuspendOrBindALoop()
    {
        var lk = new AsyncLock();
        var acquired = lk.AcquireAsync();
        Assert.True(acquired.IsCompletedSuccessfully);
        Assert.True(lk.Locked);
    }

    [Fact]
    public void Acquire_WaitingFromAnotherLoop_ThrowsBoundToADifferentLoop()
    {
        var lk = new AsyncLock();
        var first = NewLoop();
        first.RunUntilComplete(async () =>
        {
            await lk.AcquireAsync();
            var t = first.CreateTask(async () => await lk.AcquireAsync());
            await first.Sleep(0);
            lk.Release();
            await t;
        });
        var second = NewLoop();
        var e = Assert.Throws<InvalidOperationException>(() => second.RunUntilComplete(async () => await lk.AcquireAsync()));
        Assert.Equal("<AsyncLock [locked]> is bound to a different event loop", e.Message);
    }

    [Fact]
    public void Release_FromAnotherThreadWhileLoopRuns_Throws()
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        Exception? seen = null;
        loop.RunUntilComplete(async () =>
        {
            await lk.AcquireAsync();
            var waiter = loop.CreateTask(async () => await lk.AcquireAsync());
            await loop.Sleep(0);
            var thread = new Thread(() =>
            {
                try { lk.Release(); } catch (Exception e) { seen = e; }
            });
            thread.Start();
            thread.Join();
            waiter.Cancel();
            await Assert.ThrowsAsync<CancelledError>(async () => await waiter);
        });
        Assert.IsType<InvalidOperationException>(seen);
        Assert.Contains("another thread", seen!.Message);
    }
}
