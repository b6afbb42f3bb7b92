namespace Asyncio.Tests.Synchronization;

public class AsyncBarrierTests : LoopTest
{
    // cpython: test_locks.py::BarrierTests::test_barrier_parties
    [Fact]
    public void Parties_BelowOne_ThrowsArgumentOutOfRange()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncBarrier(0));
        Assert.Null(e.ParamName);
        Assert.Equal("parties must be > 0", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncBarrier(-10));
        Assert.Equal(5, new AsyncBarrier(5).Parties);
    }

    // cpython: test_locks.py::BarrierTests::test_filling_one_task
    [Fact]
    public void Wait_OneParty_PassesAtOnce()
    {
        var loop = NewLoop();
        var barrier = new AsyncBarrier(1);
        loop.RunUntilComplete(async () => Assert.Equal(0, await barrier.WaitAsync()));
        Assert.Equal(0, barrier.Waiting);
        Assert.False(barrier.Broken);
    }

    // cpython: test_locks.py::BarrierTests::test_filling_one_task_twice
    [Fact]
    public void Wait_OnePartyTwice_BothPassWithIndexZero()
    {
        var loop = NewLoop();
        var barrier = new AsyncBarrier(1);
        loop.RunUntilComplete(async () =>
        {
            var t1 = loop.CreateTask(async () => await barrier.WaitAsync());
            await loop.Sleep(0);
            Assert.Equal(0, barrier.Waiting);
            var t2 = loop.CreateTask(async () => await barrier.WaitAsync());
            await loop.Sleep(0);
            Assert.Equal(t1.Result(), t2.Result());
            Assert.Equal(0, barrier.Waiting);
            Assert.False(barrier.Broken);
        });
    }

    // cpython: test_locks.py::BarrierTests::test_filling_task_by_task
    [Fact]
    public void Wait_FillingTaskByTask_CountsWaitersThenReleasesAll()
    {
        var loop = NewLoop();
        var barrier = new AsyncBarrier(3);
        loop.RunUntilComplete(async () =>
        {
            var t1 = loop.CreateTask(async () => await barrier.WaitAsync());
            await loop.Sleep(0);
            Assert.Equal(1, barrier.Waiting);
            Assert.Contains("filling", barrier.ToString());
            var t2 = loop.CreateTask(async () => await barrier.WaitAsync());
            await loop.Sleep(0);
            Assert.Equal(2, barrier.Waiting);
            Assert.Equal("<AsyncBarrier [filling, waiters:2/3]>", barrier.ToString());
            var t3 = loop.CreateTask(async () => await barrier.WaitAsync());
            await loop.Sleep(0);
            await loop.Gather([t1, t2, t3]);
            Assert.Equal([0, 1, 2], new[] { t1.Result(), t2.Result(), t3.Result() });
            Assert.Equal(0, barrier.Waiting);
            Assert.False(barrier.Broken);
        });
    }

    // cpython: test_locks.py::BarrierTests::test_abort_barrier
    [Fact]
    public void Abort_BreaksTheBarrierForLaterWaits()
    {
        var loop = NewLoop();
        var barrier = new AsyncBarrier(1);
        loop.RunUntilComplete(async () =>
        {
            _ = loop.CreateTask(async () => await barrier.AbortAsync());
            await loop.Sleep(0);
            Assert.Equal(0, barrier.Waiting);
            Assert.True(barrier.Broken);
            var e = await Assert.ThrowsAsync<BrokenBarrierError>(async () => await barrier.WaitAsync());
            Assert.Equal("Barrier aborted", e.Message);
            Assert.Equal("<AsyncBarrier [broken]>", barrier.ToString());
        });
    }

    // cpython: test_locks.py::BarrierTests::test_reset_barrier
    [Fact]
    public void Reset_NoWaiters_KeepsItUsable()
    {
        var loop = NewLoop();
        var barrier = new AsyncBarrier(1);
        loop.RunUntilComplete(async () =>
        {
            await barrier.ResetAsync();
            Assert.Equal(0, barrier.Waiting);
            Assert.False(barrier.Broken);
            Assert.Equal(0, await barrier.WaitAsync());
        });
    }

    // cpython: test_locks.py::BarrierTests::test_reset_barrier_while_tasks_waiting
    [Fact]
    public void Reset_WhileTasksWait_TheyThrowBrokenBarrier()
    {
        var loop = NewLoop();
        var barrier = new AsyncBarrier(3);
        var results = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            async Task Coro()
            {
                try
                {
                    await barrier.WaitAsync();
                }
                catch (BrokenBarrierError e)
                {
                    results.Add(e.Message);
                }
            }
            var tasks = new[] { loop.CreateTask(() => Coro()), loop.CreateTask(() => Coro()) };
            await loop.Sleep(0);
            await barrier.ResetAsync();
            await loop.Gather(tasks);
            Assert.Equal(["Abort or reset of barrier", "Abort or reset of barrier"], results);
            Assert.Equal(0, barrier.Waiting);
            Assert.False(barrier.Broken);
        });
    }
}
