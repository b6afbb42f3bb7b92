namespace Asyncio.Tests.Synchronization;

public class AsyncEventTests : LoopTest
{
    // cpython: test_locks.py::EventTests::test_repr
    [Fact]
    public void ToString_ShowsStateAndWaiters()
    {
        var loop = NewLoop();
        var ev = new AsyncEvent();
        Assert.Equal("<AsyncEvent [unset]>", ev.ToString());
        ev.Set();
        Assert.Equal("<AsyncEvent [set]>", ev.ToString());
        ev.Clear();
        loop.RunUntilComplete(async () =>
        {
            var t = loop.CreateTask(async () => await ev.WaitAsync());
            await loop.Sleep(0);
            Assert.Equal("<AsyncEvent [unset, waiters:1]>", ev.ToString());
            ev.Set();
            await t;
        });
    }

    // cpython: test_locks.py::EventTests::test_wait
    [Fact]
    public void Set_WakesAllWaitersInOrder()
    {
        var loop = NewLoop();
        var ev = new AsyncEvent();
        var result = new List<int>();
        loop.RunUntilComplete(async () =>
        {
            async Task<bool> C(int n)
            {
                if (await ev.WaitAsync())
                    result.Add(n);
                return true;
            }
            var t1 = loop.CreateTask(() => C(1));
            var t2 = loop.CreateTask(() => C(2));
            await loop.Sleep(0);
            Assert.Empty(result);
            var t3 = loop.CreateTask(() => C(3));
            ev.Set();
            await loop.Sleep(0);
            Assert.Equal([3, 1, 2], result);
            Assert.True(t1.Result() && t2.Result() && t3.Result());
        });
    }

    // cpython: test_locks.py::EventTests::test_wait_on_set
    [Fact]
    public void Wait_OnSetEvent_ReturnsAtOnce()
    {
        var ev = new AsyncEvent();
        ev.Set();
        Assert.True(ev.WaitAsync().IsCompletedSuccessfully);
        var loop = NewLoop();
        loop.RunUntilComplete(async () => Assert.True(await ev.WaitAsync()));
    }

    // cpython: test_locks.py::EventTests::test_wait_cancel
    [Fact]
    public void Wait_Cancelled_LeavesNoWaiter()
    {
        var loop = NewLoop();
        var ev = new AsyncEvent();
        loop.RunUntilComplete(async () =>
        {
            var wait = loop.CreateTask(async () => await ev.WaitAsync());
            loop.CallSoon(() => wait.Cancel());
            await Assert.ThrowsAsync<CancelledError>(async () => await wait);
            Assert.Equal(0, ev.WaiterCount);
        });
    }

    // cpython: test_locks.py::EventTests::test_clear
    [Fact]
    public void Clear_ResetsTheFlag()
    {
        var ev = new AsyncEvent();
        Assert.False(ev.IsSet);
        ev.Set();
        Assert.True(ev.IsSet);
        ev.Clear();
        Assert.False(ev.IsSet);
    }

    // cpython: test_locks.py::EventTests::test_clear_with_waiters
    [Fact]
    public void Clear_AfterSet_WokenWaitersStillReturn()
    {
        var loop = NewLoop();
        var ev = new AsyncEvent();
        var result = new List<int>();
        loop.RunUntilComplete(async () =>
        {
            var t = loop.CreateTask(async () =>
            {
                if (await ev.WaitAsync())
                    result.Add(1);
                return true;
            });
            await loop.Sleep(0);
            Assert.Empty(result);
            ev.Set();
            ev.Clear();
            Assert.False(ev.IsSet);
            ev.Set();
            ev.Set();
            Assert.Equal(1, ev.WaiterCount);
            await loop.Sleep(0);
            Assert.Equal([1], result);
            Assert.Equal(0, ev.WaiterCount);
            Assert.True(t.Result());
        });
    }
}
