using System.Threading;

namespace Asyncio.Tests.Synchronization;

public class AsyncSemaphoreTests : LoopTest
{
    // cpython: test_locks.py::SemaphoreTests::test_initial_value_zero
    [Fact]
    public void InitialValueZero_IsLocked() => Assert.True(new AsyncSemaphore(0).Locked);

    // cpython: test_locks.py::SemaphoreTests::test_repr
    [Fact]
    public void ToString_ShowsValueAndWaiters()
    {
        var loop = NewLoop();
        var sem = new AsyncSemaphore();
        Assert.Equal("<AsyncSemaphore [unlocked, value:1]>", sem.ToString());
        loop.RunUntilComplete(async () =>
        {
            await sem.AcquireAsync();
            Assert.Equal("<AsyncSemaphore [locked]>", sem.ToString());
            var t = loop.CreateTask(async () => await sem.AcquireAsync());
            await loop.Sleep(0);
            Assert.Equal("<AsyncSemaphore [locked, waiters:1]>", sem.ToString());
            sem.Release();
            await t;
        });
    }

    // cpython: test_locks.py::SemaphoreTests::test_semaphore
    [Fact]
    public void AcquireRelease_Uncontended_CountsPermits()
    {
        var loop = NewLoop();
        var sem = new AsyncSemaphore();
        Assert.Equal(1, sem.Value);
        loop.RunUntilComplete(async () =>
        {
            Assert.True(await sem.AcquireAsync());
            Assert.True(sem.Locked);
            Assert.Equal(0, sem.Value);
            sem.Release();
            Assert.False(sem.Locked);
            Assert.Equal(1, sem.Value);
        });
    }

    // cpython: test_locks.py::SemaphoreTests::test_semaphore_value
    [Fact]
    public void NegativeValue_ThrowsArgumentOutOfRange()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncSemaphore(-1));
        Assert.Null(e.ParamName);
        Assert.Equal("Semaphore initial value must be >= 0", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncBoundedSemaphore(-1));
    }

    // cpython: test_locks.py::SemaphoreTests::test_acquire
    [Fact]
    public void Acquire_Contended_HandsPermitsOutInFifoOrder()
    {
        var loop = NewLoop();
        var sem = new AsyncSemaphore(3);
        var result = new List<int>();
        loop.RunUntilComplete(async () =>
        {
            Assert.True(await sem.AcquireAsync());
            Assert.True(await sem.AcquireAsync());
            Assert.False(sem.Locked);
            async Task<bool> C(int n)
            {
                await sem.AcquireAsync();
                result.Add(n);
                return true;
            }
            var t1 = loop.CreateTask(() => C(1));
            var t2 = loop.CreateTask(() => C(2));
            var t3 = loop.CreateTask(() => C(3));
            await loop.Sleep(0);
            Assert.Equal([1], result);
            Assert.True(sem.Locked);
            Assert.Equal(2, sem.WaiterCount);
            Assert.Equal(0, sem.Value);
            var t4 = loop.CreateTask(() => C(4));
            sem.Release();
            sem.Release();
            Assert.Equal(0, sem.Value);
            await loop.Sleep(0);
            Assert.Equal(0, sem.Value);
            Assert.Equal(3, result.Count);
            Assert.True(sem.Locked);
            Assert.Equal(1, sem.WaiterCount);
            Assert.Equal(0, sem.Value);
            Assert.True(t1.Done && t2.Done && t3.Done && !t4.Done);
            sem.Release();
            await t4;
        });
    }

    // asyncio's locked(): "Due to state, or FIFO rules (must allow others to run first)".
    [Fact]
    public void TryAcquire_PermitFreeButAWokenWaiterInLine_Fails()
    {
        var loop = NewLoop();
        var sem = new AsyncSemaphore(0);
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            var waiter = loop.CreateTask(async () =>
            {
                await sem.AcquireAsync();
                log.Add("waiter");
            });
            await loop.Sleep(0);
            sem.Release(); // hands the permit to the waiter
            sem.Release(); // a free permit, behind the woken waiter
            Assert.Equal(1, sem.Value);
            Assert.True(sem.Locked);

            Assert.False(sem.TryAcquire());
            Assert.Equal(1, sem.Value);
            Assert.Equal(1, sem.WaiterCount);
            log.Add("refused");

            await waiter;
            Assert.False(sem.Locked);
            Assert.True(sem.TryAcquire());
            Assert.Equal(0, sem.Value);
        });
        Assert.Equal(["refused", "waiter"], log);
    }

    // cpython: test_locks.py::SemaphoreTests::test_acquire_cancel_before_awoken
    [Fact]
    public void Acquire_CancelledBeforeAwoken_PermitGoesToNextLiveWaiter()
    {
        var loop = NewLoop();
        var sem = new AsyncSemaphore(0);
        loop.RunUntilComplete(async () =>
        {
            var t = Enumerable.Range(0, 4).Select(_ => loop.CreateTask(async () => await sem.AcquireAsync())).ToArray();
            await loop.Sleep(0);
            t[0].Cancel();
            t[1].Cancel();
            sem.Release();
            await loop.Sleep(0);
            await loop.Sleep(0);
            Assert.True(t[2].Done);
            Assert.False(t[3].Done);
            t[2].Cancel();
            t[3].Cancel();
            await loop.Sleep(0);
        });
    }

    // cpython: test_locks.py::SemaphoreTests::test_release_not_acquired
    [Fact]
    public void BoundedRelease_TooManyTimes_ThrowsSemaphoreFull()
    {
        var sem = new AsyncBoundedSemaphore();
        var e = Assert.Throws<SemaphoreFullException>(sem.Release);
        Assert.Equal("BoundedSemaphore released too many times", e.Message);
        Assert.Equal(1, sem.Value);
    }

    // cpython: test_locks.py::SemaphoreTests::test_acquire_fifo_order_2
    [Fact]
    public void Acquire_ReleaseAndReacquire_QueuesBehindEarlierWaiters()
    {
        var loop = NewLoop();
        var sem = new AsyncSemaphore(1);
        var result = new List<int>();
        loop.RunUntilComplete(async () =>
        {
            var t1 = loop.CreateTask(async () => { await sem.AcquireAsync(); result.Add(1); return true; });
            var t2 = loop.CreateTask(async () =>
            {
                await sem.AcquireAsync();
                result.Add(2);
                sem.Release();
                await sem.AcquireAsync();
                result.Add(4);
                return true;
            });
            var t3 = loop.CreateTask(async () => { await sem.AcquireAsync(); result.Add(3); return true; });
            await loop.Sleep(0);
            sem.Release();
            sem.Release();
            await loop.Gather([t1, t2, t3]);
        });
        Assert.Equal([1, 2, 3, 4], result);
    }

    // cpython: test_locks.py::SemaphoreTests::test_acquire_fifo_order_3
    [Fact]
    public void Acquire_CancelledFirstWaiter_OthersServedInOrder()
    {
        var loop = NewLoop();
        var sem = new AsyncSemaphore(0);
        var result = new List<int>();
        loop.RunUntilComplete(async () =>
        {
            LoopTask<bool> C(int n) => loop.CreateTask(async () => { await sem.AcquireAsync(); result.Add(n); return true; });
            var t1 = C(1);
            var t2 = C(2);
            var t3 = C(3);
            await loop.Sleep(0);
            t1.Cancel();
            await loop.Sleep(0);
            sem.Release();
            sem.Release();
            await loop.Gather([t1, t2, t3], returnExceptions: true);
        });
        Assert.Equal([2, 3], result);
    }

    [Fact]
    public void BoundedRelease_WithinBound_Succeeds()
    {
        var loop = NewLoop();
        var sem = new AsyncBoundedSemaphore(2);
        loop.RunUntilComplete(async () =>
        {
            using (await sem.LockAsync())
                Assert.Equal(1, sem.Value);
            Assert.Equal(2, sem.Value);
            Assert.Throws<SemaphoreFullException>(sem.Release);
            Assert.Equal("<AsyncBoundedSemaphore [unlocked, value:2]>", sem.ToString());
        });
    }
}
