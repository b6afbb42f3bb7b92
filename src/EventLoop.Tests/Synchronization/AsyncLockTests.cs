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

    // cpython: test_locks.py::LockTests::test_release_not_acquired
    [Fact]
    public void Release_Unlocked_ThrowsLockIsNotAcquired()
    {
        var lk = new AsyncLock();
        var e = Assert.Throws<InvalidOperationException>(lk.Release);
        Assert.Equal("Lock is not acquired.", e.Message);
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
}
