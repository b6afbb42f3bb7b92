namespace Asyncio.Tests.Synchronization;

public class AsyncConditionTests : LoopTest
{
    // cpython: test_locks.py::ConditionTests::test_wait
    [Fact]
    public void Wait_NotifiedOneByOne_ReturnsHoldingTheLockInFifoOrder()
    {
        var loop = NewLoop();
        var cond = new AsyncCondition();
        var result = new List<int>();
        loop.RunUntilComplete(async () =>
        {
            async Task<bool> C(int n)
            {
                await cond.AcquireAsync();
                if (await cond.WaitAsync())
                    result.Add(n);
                return true;
            }
            var t1 = loop.CreateTask(() => C(1));
            var t2 = loop.CreateTask(() => C(2));
            var t3 = loop.CreateTask(() => C(3));
            await loop.Sleep(0);
            Assert.Empty(result);
            Assert.False(cond.Locked);

            Assert.True(await cond.AcquireAsync());
            cond.Notify();
            await loop.Sleep(0);
            Assert.Empty(result);
            Assert.True(cond.Locked);

            cond.Release();
            await loop.Sleep(0);
            Assert.Equal([1], result);
            Assert.True(cond.Locked);

            cond.Notify(2);
            await loop.Sleep(0);
            Assert.Equal([1], result);
            Assert.True(cond.Locked);

            cond.Release();
            await loop.Sleep(0);
            Assert.Equal([1, 2], result);
            Assert.True(cond.Locked);

            cond.Release();
            await loop.Sleep(0);
            Assert.Equal([1, 2, 3], result);
            Assert.True(cond.Locked);
            Assert.True(t1.Result() && t2.Result() && t3.Result());
        });
    }

    // cpython: test_locks.py::ConditionTests::test_wait_cancel
    [Fact]
    public void Wait_Cancelled_ReacquiresTheLockAndLeavesNoWaiter()
    {
        var loop = NewLoop();
        var cond = new AsyncCondition();
        loop.RunUntilComplete(async () =>
        {
            await cond.AcquireAsync();
            var wait = loop.CreateTask(async () => await cond.WaitAsync());
            loop.CallSoon(() => wait.Cancel());
            await Assert.ThrowsAsync<CancelledError>(async () => await wait);
            Assert.Equal(0, cond.WaiterCount);
            Assert.True(cond.Locked);
        });
    }

    // cpython: test_locks.py::ConditionTests::test_wait_cancel_contested
    [Fact]
    public void Wait_NotifiedThenCancelledWhileLockContested_EndsHoldingTheLock()
    {
        var loop = NewLoop();
        var cond = new AsyncCondition();
        loop.RunUntilComplete(async () =>
        {
            await cond.AcquireAsync();
            var waitTask = loop.CreateTask(async () => await cond.WaitAsync());
            await loop.Sleep(0);
            Assert.False(cond.Locked);
            await cond.AcquireAsync();
            cond.Notify();
            loop.CallSoon(() => waitTask.Cancel());
            loop.CallSoon(cond.Release);
            try
            {
                await waitTask;
            }
            catch (CancelledError)
            {
            }
            Assert.True(cond.Locked);
        });
    }

    // cpython: test_locks.py::ConditionTests::test_wait_cancel_after_notify
    [Fact]
    public void Wait_CancelledAfterNotify_IsCancelled()
    {
        var loop = NewLoop();
        var cond = new AsyncCondition();
        bool waited = false;
        loop.RunUntilComplete(async () =>
        {
            var waiter = loop.CreateTask(async () =>
            {
                using (await cond.LockAsync())
                {
                    waited = true;
                    await cond.WaitAsync();
                }
            });
            await loop.Sleep(0);
            await cond.AcquireAsync();
            cond.Notify();
            await loop.Sleep(0);
            waiter.Cancel();
            await loop.Sleep(0);
            cond.Release();
            await loop.Sleep(0);
            Assert.True(waiter.Cancelled);
            Assert.True(waited);
        });
    }

    [Fact]
    public void Wait_CancelledAfterNotify_PassesTheNotificationOn()
    {
        // 3.13 (gh-112202): the notification reaches the next waiter instead of being lost.
        var loop = NewLoop();
        var cond = new AsyncCondition();
        var woke = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            async Task W(string name)
            {
                using (await cond.LockAsync())
                {
                    await cond.WaitAsync();
                    woke.Add(name);
                }
            }
            var a = loop.CreateTask(() => W("a"));
            var b = loop.CreateTask(() => W("b"));
            await loop.Sleep(0);
            using (await cond.LockAsync())
            {
                cond.Notify();
                a.Cancel();
            }
            await loop.Gather([a, b], returnExceptions: true);
            Assert.True(a.Cancelled);
            Assert.Equal(["b"], woke);
        });
    }

    // cpython: test_locks.py::ConditionTests::test_wait_unacquired
    [Fact]
    public void Wait_Unacquired_Throws()
    {
        var loop = NewLoop();
        var cond = new AsyncCondition();
        loop.RunUntilComplete(async () =>
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await cond.WaitAsync());
            Assert.Equal("cannot wait on un-acquired lock", e.Message);
        });
    }

    // cpython: test_locks.py::ConditionTests::test_wait_for
    [Fact]
    public void WaitFor_ReturnsOnlyOncePredicateHolds()
    {
        var loop = NewLoop();
        var cond = new AsyncCondition();
        bool presult = false;
        var result = new List<int>();
        loop.RunUntilComplete(async () =>
        {
            var t = loop.CreateTask(async () =>
            {
                await cond.AcquireAsync();
                if (await cond.WaitForAsync(() => presult))
                {
                    result.Add(1);
                    cond.Release();
                }
                return true;
            });
            await loop.Sleep(0);
            Assert.Empty(result);
            await cond.AcquireAsync();
            cond.Notify();
            cond.Release();
            await loop.Sleep(0);
            Assert.Empty(result);
            presult = true;
            await cond.AcquireAsync();
            cond.Notify();
            cond.Release();
            await loop.Sleep(0);
            Assert.Equal([1], result);
            Assert.True(t.Result());
        });
    }

    // cpython: test_locks.py::ConditionTests::test_notify_all
    [Fact]
    public void NotifyAll_WakesEveryWaiterInOrder()
    {
        var loop = NewLoop();
        var cond = new AsyncCondition();
        var result = new List<int>();
        loop.RunUntilComplete(async () =>
        {
            async Task C(int n)
            {
                await cond.AcquireAsync();
                if (await cond.WaitAsync())
                {
                    result.Add(n);
                    cond.Release();
                }
            }
            var t1 = loop.CreateTask(() => C(1));
            var t2 = loop.CreateTask(() => C(2));
            await loop.Sleep(0);
            Assert.Empty(result);
            await cond.AcquireAsync();
            cond.NotifyAll();
            cond.Release();
            await loop.Sleep(0);
            Assert.Equal([1, 2], result);
            await loop.Gather([t1, t2]);
        });
    }

    // cpython: test_locks.py::ConditionTests::test_notify_unacquired
    [Fact]
    public void Notify_Unacquired_Throws()
    {
        var cond = new AsyncCondition();
        Assert.Equal("cannot notify on un-acquired lock", Assert.Throws<InvalidOperationException>(() => cond.Notify()).Message);
    }

    // cpython: test_locks.py::ConditionTests::test_notify_all_unacquired
    [Fact]
    public void NotifyAll_Unacquired_Throws()
    {
        var cond = new AsyncCondition();
        Assert.Equal("cannot notify on un-acquired lock", Assert.Throws<InvalidOperationException>(cond.NotifyAll).Message);
    }

    // cpython: test_locks.py::ConditionTests::test_explicit_lock
    [Fact]
    public void ExplicitLock_IsShared()
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        var cond = new AsyncCondition(lk);
        loop.RunUntilComplete(async () =>
        {
            using (await cond.LockAsync())
            {
                Assert.True(lk.Locked);
                Assert.True(cond.Locked);
            }
            Assert.False(lk.Locked);
            using (await lk.LockAsync())
                Assert.True(cond.Locked);
        });
    }
}
