namespace Asyncio.Tests.Synchronization;

public class AsyncQueueTests : LoopTest
{
    // cpython: test_queues.py::QueueBasicTests::test_str
    [Fact]
    public void ToString_ShowsMaxsizeItemsWaitersAndTasks()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<int>();
        Assert.Equal("<AsyncQueue maxsize=0>", q.ToString());
        Assert.Equal("<AsyncQueue maxsize=2>", new AsyncQueue<int>(2).ToString());
        loop.RunUntilComplete(async () =>
        {
            var getter = loop.CreateTask(async () => await q.GetAsync());
            await loop.Sleep(0);
            Assert.Equal("<AsyncQueue maxsize=0 _getters[1]>", q.ToString());
            q.PutNowait(1);
            q.PutNowait(2);
            Assert.Equal("<AsyncQueue maxsize=0 _queue=[1, 2] tasks=2>", q.ToString());
            Assert.Equal(1, await getter);
            q.Shutdown();
            Assert.Equal("<AsyncQueue maxsize=0 _queue=[2] tasks=2 shutdown>", q.ToString());
        });
    }

    // cpython: test_queues.py::QueueBasicTests::test_empty
    [Fact]
    public void Empty_FollowsTheItems()
    {
        var q = new AsyncQueue<int>();
        Assert.True(q.Empty);
        q.PutNowait(1);
        Assert.False(q.Empty);
        Assert.Equal(1, q.GetNowait());
        Assert.True(q.Empty);
    }

    // cpython: test_queues.py::QueueBasicTests::test_full
    [Fact]
    public void Full_OnlyWithAMaxsize()
    {
        var q = new AsyncQueue<int>();
        Assert.False(q.Full);
        q = new AsyncQueue<int>(maxSize: 1);
        q.PutNowait(1);
        Assert.True(q.Full);
    }

    // cpython: test_queues.py::QueueBasicTests::test_order
    [Fact]
    public void Order_IsFifo()
    {
        var q = new AsyncQueue<int>();
        foreach (int i in new[] { 1, 3, 2 })
            q.PutNowait(i);
        Assert.Equal([1, 3, 2], new[] { q.GetNowait(), q.GetNowait(), q.GetNowait() });
    }

    // cpython: test_queues.py::QueueBasicTests::test_maxsize
    [Fact]
    public void Put_BeyondMaxsize_WaitsForAGet()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<int>(maxSize: 2);
        Assert.Equal(2, q.MaxSize);
        var have = new List<int>();
        loop.RunUntilComplete(async () =>
        {
            var putter = loop.CreateTask(async () =>
            {
                for (int i = 0; i < 3; i++)
                {
                    await q.PutAsync(i);
                    have.Add(i);
                }
            });
            await loop.Sleep(0);
            Assert.Equal([0, 1], have);
            Assert.Equal(0, q.GetNowait());
            await loop.Sleep(0);
            Assert.Equal([0, 1, 2], have);
            Assert.True(q.Full);
            await putter;
        });
    }

    [Fact]
    public void NegativeMaxsize_ThrowsArgumentOutOfRange()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncQueue<int>(-1));
        Assert.Equal("maxSize", e.ParamName);
        Assert.StartsWith("maxsize must be >= 0 (0 means no limit)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncLifoQueue<int>(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncPriorityQueue<int>(-1));
    }

    // cpython: test_queues.py::QueueGetTests::test_blocking_get
    [Fact]
    public void Get_ItemPresent_ReturnsItWithoutSuspending()
    {
        var q = new AsyncQueue<int>();
        q.PutNowait(1);
        Assert.True(q.GetAsync().IsCompletedSuccessfully);
        Assert.True(q.Empty);
    }

    // cpython: test_queues.py::QueueGetTests::test_get_with_putters
    [Fact]
    public void GetNowait_WithWaitingPutter_WakesIt()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<int>(1);
        loop.RunUntilComplete(async () =>
        {
            await q.PutAsync(1);
            var putter = loop.CreateTask(async () => await q.PutAsync(2));
            await loop.Sleep(0);
            Assert.Equal(1, q.PutterCount);
            Assert.Equal(1, await q.GetAsync());
            await putter;
            Assert.Equal(2, q.GetNowait());
        });
    }

    // cpython: test_queues.py::QueueGetTests::test_blocking_get_wait
    [Fact]
    public void Get_Empty_WaitsForAPut()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<int>();
        loop.RunUntilComplete(async () =>
        {
            loop.CallLater(0.01, () => q.PutNowait(1));
            Assert.Equal(1, await q.GetAsync());
            Assert.Equal(0.01, loop.Time());
        });
    }

    // cpython: test_queues.py::QueueGetTests::test_nonblocking_get_exception
    [Fact]
    public void GetNowait_Empty_ThrowsQueueEmpty() =>
        Assert.Throws<QueueEmptyError>(() => new AsyncQueue<int>().GetNowait());

    // cpython: test_queues.py::QueueGetTests::test_get_cancelled_race
    [Fact]
    public void Get_FirstGetterCancelled_SecondGetsTheItem()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<string>();
        loop.RunUntilComplete(async () =>
        {
            var t1 = loop.CreateTask(async () => await q.GetAsync());
            var t2 = loop.CreateTask(async () => await q.GetAsync());
            await loop.Sleep(0);
            t1.Cancel();
            await loop.Sleep(0);
            Assert.True(t1.Done);
            await q.PutAsync("a");
            await loop.Sleep(0);
            Assert.Equal("a", await t2);
        });
    }

    // cpython: test_queues.py::QueueGetTests::test_get_with_waiting_putters
    [Fact]
    public void Get_WithWaitingPutters_TakesInPutOrder()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<string>(1);
        loop.RunUntilComplete(async () =>
        {
            _ = loop.CreateTask(async () => await q.PutAsync("a"));
            _ = loop.CreateTask(async () => await q.PutAsync("b"));
            Assert.Equal("a", await q.GetAsync());
            Assert.Equal("b", await q.GetAsync());
        });
    }

    // cpython: test_queues.py::QueueGetTests::test_why_are_getters_waiting
    [Fact]
    public void ProducerConsumer_BoundedOne_Completes()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<int>(1);
        loop.RunUntilComplete(async () =>
        {
            async Task Consumer() { for (int i = 0; i < 5; i++) await q.GetAsync(); }
            async Task Producer() { for (int i = 0; i < 5; i++) await q.PutAsync(i); }
            await loop.Gather(() => Producer(), () => Consumer());
        });
        Assert.True(q.Empty);
    }

    // cpython: test_queues.py::QueueGetTests::test_cancelled_getters_not_being_held_in_self_getters
    [Fact]
    public void Get_TimedOut_LeavesNoGetter()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<int>(5);
        loop.RunUntilComplete(async () =>
        {
            await Assert.ThrowsAsync<TimeoutException>(async () => await loop.WaitFor(async () => await q.GetAsync(), 0.1));
            Assert.Equal(0, q.GetterCount);
        });
    }

    // cpython: test_queues.py::QueuePutTests::test_get_cancel_drop_one_pending_reader
    [Fact]
    public void Get_WokenGetterCancelled_DoesNotDropTheItem()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<int>();
        loop.RunUntilComplete(async () =>
        {
            var reader = loop.CreateTask(async () => await q.GetAsync());
            await loop.Sleep(0);
            q.PutNowait(1);
            q.PutNowait(2);
            reader.Cancel();
            try
            {
                await reader;
            }
            catch (CancelledError)
            {
                reader = loop.CreateTask(async () => await q.GetAsync());
                await reader;
            }
            Assert.Equal(1, reader.Result());
        });
    }

    // cpython: test_queues.py::QueuePutTests::test_get_cancel_drop_many_pending_readers
    [Fact]
    public void Get_OneOfManyWokenGettersCancelled_OthersGetBothItems()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<int>();
        loop.RunUntilComplete(async () =>
        {
            var r1 = loop.CreateTask(async () => await q.GetAsync());
            var r2 = loop.CreateTask(async () => await q.GetAsync());
            var r3 = loop.CreateTask(async () => await q.GetAsync());
            await loop.Sleep(0);
            q.PutNowait(1);
            q.PutNowait(2);
            r1.Cancel();
            await Assert.ThrowsAsync<CancelledError>(async () => await r1);
            await r3;
            await r2;
            // asyncio leaves the order undefined; ours is FIFO.
            Assert.Equal([1, 2], new[] { r2.Result(), r3.Result() });
        });
    }

    // cpython: test_queues.py::QueuePutTests::test_put_cancel_drop
    [Fact]
    public void Put_WokenPutterCancelled_ItemNotAdded()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<int>(1);
        loop.RunUntilComplete(async () =>
        {
            q.PutNowait(1);
            var writer = loop.CreateTask(async () => await q.PutAsync(2));
            await loop.Sleep(0);
            Assert.Equal(1, q.GetNowait());
            writer.Cancel();
            try
            {
                await writer;
            }
            catch (CancelledError)
            {
                writer = loop.CreateTask(async () => await q.PutAsync(2));
                await writer;
            }
            Assert.Equal(2, q.GetNowait());
            Assert.Equal(0, q.Count);
        });
    }

    // cpython: test_queues.py::QueuePutTests::test_nonblocking_put_exception
    [Fact]
    public void PutNowait_Full_ThrowsQueueFull()
    {
        var q = new AsyncQueue<int>(1);
        q.PutNowait(1);
        Assert.Throws<QueueFullError>(() => q.PutNowait(2));
    }

    // cpython: test_queues.py::QueuePutTests::test_put_cancelled
    [Fact]
    public void Put_ThenGetTask_DeliversTheItem()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<int>();
        loop.RunUntilComplete(async () =>
        {
            var t = loop.CreateTask(async () => await q.GetAsync());
            await q.PutAsync(1);
            Assert.Equal(1, await t);
            Assert.True(q.Empty);
        });
    }

    // cpython: test_queues.py::QueuePutTests::test_put_cancelled_race
    [Fact]
    public void Put_CancelledPutter_OthersStillPutInOrder()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<string>(1);
        loop.RunUntilComplete(async () =>
        {
            var putA = loop.CreateTask(async () => await q.PutAsync("a"));
            var putB = loop.CreateTask(async () => await q.PutAsync("X"));
            var putC = loop.CreateTask(async () => await q.PutAsync("b"));
            await loop.Sleep(0);
            Assert.True(putA.Done);
            Assert.False(putB.Done);
            putB.Cancel();
            await loop.Sleep(0);
            Assert.True(putB.Cancelled);
            Assert.Equal("a", await q.GetAsync());
            await putC;
            Assert.Equal("b", await q.GetAsync());
        });
    }

    // cpython: test_queues.py::QueuePutTests::test_cancelled_puts_not_being_held_in_self_putters
    [Fact]
    public void Put_TimedOut_LeavesNoPutter()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<int>(1);
        loop.RunUntilComplete(async () =>
        {
            q.PutNowait(1);
            await Assert.ThrowsAsync<TimeoutException>(async () => await loop.WaitFor(async () => await q.PutAsync(1), 0.1));
            Assert.Equal(0, q.PutterCount);
        });
    }

    // cpython: test_queues.py::LifoQueueTests::test_order
    [Fact]
    public void Lifo_Order_IsNewestFirst()
    {
        var q = new AsyncLifoQueue<int>();
        foreach (int i in new[] { 1, 3, 2 })
            q.PutNowait(i);
        Assert.Equal([2, 3, 1], new[] { q.GetNowait(), q.GetNowait(), q.GetNowait() });
    }

    // cpython: test_queues.py::PriorityQueueTests::test_order
    [Fact]
    public void Priority_Order_IsLowestFirst()
    {
        var q = new AsyncPriorityQueue<int>();
        foreach (int i in new[] { 1, 3, 2 })
            q.PutNowait(i);
        Assert.Equal([1, 2, 3], new[] { q.GetNowait(), q.GetNowait(), q.GetNowait() });
    }

    [Fact]
    public void Priority_Ties_ComeOutInInsertionOrder()
    {
        var q = new AsyncPriorityQueue<(int Priority, string Name)>(comparer: Comparer<(int Priority, string Name)>.Create((a, b) => a.Priority.CompareTo(b.Priority)));
        foreach (var item in new[] { (2, "a"), (1, "b"), (2, "c"), (1, "d"), (2, "e"), (0, "f") })
            q.PutNowait(item);
        var names = new List<string>();
        while (!q.Empty)
            names.Add(q.GetNowait().Name);
        Assert.Equal(["f", "b", "d", "a", "c", "e"], names);
    }

    // cpython: test_queues.py::_QueueJoinTestMixin::test_task_done_underflow
    [Fact]
    public void TaskDone_TooManyTimes_Throws()
    {
        var q = new AsyncQueue<int>();
        var e = Assert.Throws<InvalidOperationException>(q.TaskDone);
        Assert.Equal("task_done() called too many times", e.Message);
        q.PutNowait(1);
        q.GetNowait();
        q.TaskDone();
        Assert.Throws<InvalidOperationException>(q.TaskDone);
    }

    // cpython: test_queues.py::_QueueJoinTestMixin::test_task_done
    [Theory]
    [InlineData("fifo")]
    [InlineData("lifo")]
    [InlineData("priority")]
    public void Join_ReturnsWhenEveryItemIsDone(string kind)
    {
        var loop = NewLoop();
        AsyncQueue<int> q = kind switch
        {
            "fifo" => new AsyncQueue<int>(),
            "lifo" => new AsyncLifoQueue<int>(),
            _ => new AsyncPriorityQueue<int>(),
        };
        for (int i = 0; i < 100; i++)
            q.PutNowait(i);
        int accumulator = 0;
        bool running = true;
        loop.RunUntilComplete(async () =>
        {
            async Task Worker()
            {
                while (running)
                {
                    int item = await q.GetAsync();
                    accumulator += item;
                    q.TaskDone();
                }
            }
            var tasks = new[] { loop.CreateTask(() => Worker()), loop.CreateTask(() => Worker()) };
            await q.JoinAsync();
            Assert.Equal(Enumerable.Range(0, 100).Sum(), accumulator);
            running = false;
            foreach (var t in tasks)
                q.PutNowait(0);
            await loop.Gather(tasks);
        });
    }

    // cpython: test_queues.py::_QueueJoinTestMixin::test_join_empty_queue
    [Fact]
    public void Join_EmptyQueue_ReturnsAtOnce()
    {
        var q = new AsyncQueue<int>();
        Assert.True(q.JoinAsync().IsCompletedSuccessfully);
    }

    // cpython: test_queues.py::_QueueJoinTestMixin::test_format
    [Fact]
    public void ToString_ShowsUnfinishedTasks()
    {
        var q = new AsyncQueue<int>();
        q.PutNowait(1);
        q.GetNowait();
        Assert.Equal("<AsyncQueue maxsize=0 tasks=1>", q.ToString());
    }

    [Fact]
    public void Shutdown_WakesBlockedGettersAndPutters()
    {
        var loop = NewLoop();
        loop.RunUntilComplete(async () =>
        {
            var empty = new AsyncQueue<int>();
            var getter = loop.CreateTask(async () => await empty.GetAsync());
            var full = new AsyncQueue<int>(1);
            full.PutNowait(1);
            var putter = loop.CreateTask(async () => await full.PutAsync(2));
            await loop.Sleep(0);
            empty.Shutdown();
            full.Shutdown();
            await Assert.ThrowsAsync<QueueShutDownError>(async () => await getter);
            await Assert.ThrowsAsync<QueueShutDownError>(async () => await putter);
            Assert.Equal(1, await full.GetAsync());
            await Assert.ThrowsAsync<QueueShutDownError>(async () => await full.GetAsync());
            Assert.Throws<QueueShutDownError>(() => full.PutNowait(3));
            Assert.True(full.IsShutDown);
        });
    }

    [Fact]
    public void ShutdownImmediate_DropsItemsAndReleasesJoin()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<int>();
        loop.RunUntilComplete(async () =>
        {
            q.PutNowait(1);
            q.PutNowait(2);
            var joiner = loop.CreateTask(async () => await q.JoinAsync());
            await loop.Sleep(0);
            q.Shutdown(immediate: true);
            Assert.Equal(0, q.Count);
            Assert.Equal(0, q.UnfinishedTasks);
            await joiner;
            Assert.Throws<QueueShutDownError>(() => q.GetNowait());
        });
    }

    // asyncio's `while self.empty()`: a getter woken for an item that a get_nowait took first
    // waits again, now at the end of the line, and can be cancelled there.
    [Fact]
    public void Get_WokenButItemTakenFirst_WaitsAgainBehindTheOthers()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<int>();
        loop.RunUntilComplete(async () =>
        {
            var a = loop.CreateTask(async () => await q.GetAsync());
            var b = loop.CreateTask(async () => await q.GetAsync());
            await loop.Sleep(0);
            q.PutNowait(1); // wakes a
            Assert.Equal(1, q.GetNowait());
            await loop.Sleep(0); // a finds the queue empty: back in line, behind b
            Assert.Equal(2, q.GetterCount);
            q.PutNowait(2);
            q.PutNowait(3);
            Assert.Equal(2, await b);
            Assert.Equal(3, await a);

            var c = loop.CreateTask(async () => await q.GetAsync());
            await loop.Sleep(0);
            q.PutNowait(4);
            Assert.Equal(4, q.GetNowait());
            await loop.Sleep(0); // c waits again
            c.Cancel();
            await Assert.ThrowsAsync<CancelledError>(async () => await c);
            Assert.Equal(0, q.GetterCount);
        });
    }

    // As the async method it replaces, a waiting put goes on when its ValueTask is not awaited yet.
    [Fact]
    public void Put_Waiting_CompletesBeforeItsValueTaskIsAwaited()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<int>(1);
        loop.RunUntilComplete(async () =>
        {
            q.PutNowait(1);
            var put = q.PutAsync(2);
            Assert.False(put.IsCompleted);
            Assert.Equal(1, q.GetNowait()); // frees the slot, wakes the putter
            await loop.Sleep(0);
            Assert.True(put.IsCompletedSuccessfully);
            Assert.Equal(2, q.GetNowait());
            await put;
        });
    }

    // A get started in one task and awaited in another resumes the other, one iteration later.
    [Fact]
    public void Get_AwaitedInAnotherTask_ResumesThatTask()
    {
        var loop = NewLoop();
        var q = new AsyncQueue<int>();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            var get = q.GetAsync();
            var other = loop.CreateTask(async () =>
            {
                log.Add("other awaits");
                log.Add("other got " + await get);
            });
            await loop.Sleep(0);
            q.PutNowait(7);
            log.Add("put");
            await other;
        });
        Assert.Equal(["other awaits", "put", "other got 7"], log);
    }
}
