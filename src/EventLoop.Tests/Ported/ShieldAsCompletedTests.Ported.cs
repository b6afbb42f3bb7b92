namespace Asyncio.Tests.Ported;

/// <summary>The <c>shield</c> and <c>as_completed</c> cases of CPython 3.12's <c>Lib/test/test_asyncio/test_tasks.py</c>.</summary>
/// <remarks>
/// <para><c>test_utils.run_briefly(loop)</c> is <see cref="RunBriefly"/>. CPython's <c>TestLoop</c>
/// moves its clock by what a generator yields and by <c>advance_time</c>; on the virtual clock the
/// time moves only to deadlines that really pass, so those hacks are left out and the times asserted
/// are the deadlines.</para>
/// <para>asyncio's <c>as_completed</c> wraps coroutines in tasks in the iteration order of a set;
/// here the tasks are made in list order, so the order of equal deadlines is asserted exactly.</para>
/// <para>Three cases of 3.13 (asynchronous iteration, <see cref="EventLoop.AsCompletedAsync{TFuture}"/>)
/// are marked "(3.13)". Not ported: <c>*_without_loop</c>, <c>*_use_global_loop</c> and
/// <c>test_as_completed_invalid_args</c> (no global loop; the types forbid the invalid arguments).</para>
/// </remarks>
public class PortedShieldAsCompletedTests : LoopTest
{
    /// <summary>asyncio's <c>test_utils.run_briefly</c>: run an empty task to completion (two iterations).</summary>
    private static void RunBriefly(EventLoop loop) => loop.RunUntilComplete(static () => Task.CompletedTask);

    // ---- shield ----------------------------------------------------------------------------

    // cpython: test_tasks.py::BaseTaskTests::test_shield_result
    [Fact]
    public void Shield_InnerResult_OuterHasIt()
    {
        var loop = NewLoop();
        var inner = loop.CreateFuture<int>();
        var outer = loop.Shield(inner);

        inner.SetResult(42);
        var res = loop.RunUntilComplete(outer);

        Assert.Equal(42, res);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_shield_exception
    [Fact]
    public void Shield_InnerException_OuterHasTheSameException()
    {
        var loop = NewLoop();
        var inner = loop.CreateFuture<int>();
        var outer = loop.Shield(inner);
        RunBriefly(loop);

        var exc = new InvalidOperationException("expected");
        inner.SetException(exc);
        RunBriefly(loop);

        Assert.Same(exc, outer.Exception());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_shield_cancel_inner
    [Fact]
    public void Shield_InnerCancelled_OuterCancelled()
    {
        var loop = NewLoop();
        var inner = loop.CreateFuture<int>();
        var outer = loop.Shield(inner);
        RunBriefly(loop);

        inner.Cancel();
        RunBriefly(loop);

        Assert.True(outer.Cancelled);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_shield_cancel_outer
    [Fact]
    public void Shield_OuterCancelled_InnerUntouched()
    {
        var loop = NewLoop();
        var inner = loop.CreateFuture<int>();
        var outer = loop.Shield(inner);
        RunBriefly(loop);

        outer.Cancel();
        RunBriefly(loop);

        Assert.True(outer.Cancelled);
        // (asyncio also checks that outer's callbacks are gone; they are not observable here.)
        Assert.False(inner.Done);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_shield_shortcut
    [Fact]
    public void Shield_DoneFuture_ReturnedAsIs()
    {
        var loop = NewLoop();
        var fut = loop.CreateFuture<int>();
        fut.SetResult(42);

        var shielded = loop.Shield(fut);
        var res = loop.RunUntilComplete(shielded);

        Assert.Equal(42, res);
        Assert.Same(fut, shielded);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_shield_effect
    [Fact]
    public void Shield_AwaitingTaskCancelled_InnerCarriesOn()
    {
        var loop = NewLoop();
        // Cancelling outer() does not affect inner().
        int proof = 0;
        var waiter = loop.CreateFuture<object?>();

        async Task<int> Inner()
        {
            await waiter;
            proof += 1;
            return 0;
        }

        async Task Outer()
        {
            await loop.Shield(Inner);
            proof += 100;
        }

        var f = loop.EnsureFuture(Outer);
        RunBriefly(loop);
        f.Cancel();
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(f));
        waiter.SetResult(null);
        RunBriefly(loop);
        Assert.Equal(1, proof);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_shield_gather
    [Fact]
    public void Shield_OfGatherCancelled_GatherCarriesOn()
    {
        var loop = NewLoop();
        var child1 = loop.CreateFuture<int>();
        var child2 = loop.CreateFuture<int>();
        var parent = loop.Gather(child1, child2);
        var outer = loop.Shield(parent);
        RunBriefly(loop);

        outer.Cancel();
        RunBriefly(loop);
        Assert.True(outer.Cancelled);

        child1.SetResult(1);
        child2.SetResult(2);
        RunBriefly(loop);
        Assert.Equal([1, 2], parent.Result());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_gather_shield
    [Fact]
    public void Gather_OfShieldsCancelled_ShieldsCancelledChildrenNot()
    {
        var loop = NewLoop();
        var child1 = loop.CreateFuture<int>();
        var child2 = loop.CreateFuture<int>();
        var inner1 = loop.Shield(child1);
        var inner2 = loop.Shield(child2);
        var parent = loop.Gather(inner1, inner2);
        RunBriefly(loop);

        parent.Cancel();
        // This should cancel inner1 and inner2 but not child1 and child2.
        RunBriefly(loop);

        Assert.IsType<CancelledError>(parent.Exception());
        Assert.True(inner1.Cancelled);
        Assert.True(inner2.Cancelled);
        Assert.False(child1.Done);
        Assert.False(child2.Done);
        child1.SetResult(1);
        child2.SetResult(2);
        RunBriefly(loop);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_shield_coroutine_use_running_loop
    [Fact]
    public void Shield_CoroutineInsideRunningLoop_OnThatLoop()
    {
        var loop = NewLoop();

        async Task<int> Coro()
        {
            await Task.CompletedTask;
            return 42;
        }

        var outer = loop.RunUntilComplete(async () =>
        {
            await Task.CompletedTask;
            return loop.Shield(Coro);
        });
        Assert.Same(loop, outer.Loop);
        var res = loop.RunUntilComplete(outer);
        Assert.Equal(42, res);
    }

    // ---- as_completed ------------------------------------------------------------------------

    // cpython: test_tasks.py::BaseTaskTests::test_as_completed
    [Fact]
    public void AsCompleted_Sleepers_ResultsInCompletionOrder()
    {
        var loop = NewLoop();
        var completed = new HashSet<string>();

        async Task<string> Sleeper(double dt, string x)
        {
            await loop.Sleep(dt);
            completed.Add(x);
            return x;
        }

        async Task<List<string>> Foo()
        {
            var values = new List<string>();
            var fs = new IFuture<string>[]
            {
                loop.CreateTask(() => Sleeper(0.01, "b")),
                loop.CreateTask(() => Sleeper(0.15, "c")),
                loop.CreateTask(() => Sleeper(0.01, "a")),
            };
            foreach (var f in loop.AsCompleted(fs))
                values.Add(await f);
            return values;
        }

        var res = loop.RunUntilComplete(Foo);

        Assert.Equal(0.15, loop.Time());
        Assert.Contains("a", res.Take(2));
        Assert.Contains("b", res.Take(2));
        Assert.Equal("c", res[2]);
        // Equal deadlines run in scheduling order: b's task started first.
        Assert.Equal(["b", "a", "c"], res);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_as_completed_with_timeout
    [Fact]
    public void AsCompleted_Timeout_RemainingAwaitablesThrowTimeout()
    {
        var loop = NewLoop();
        var a = loop.CreateTask(() => loop.Sleep(0.1, "a"));
        var b = loop.CreateTask(() => loop.Sleep(0.15, "b"));

        async Task<List<(int, object)>> Foo()
        {
            var values = new List<(int, object)>();
            foreach (var f in loop.AsCompleted(new IFuture<string>[] { a, b }, timeout: 0.12))
            {
                try
                {
                    var v = await f;
                    values.Add((1, v));
                }
                catch (TimeoutException exc)
                {
                    values.Add((2, exc));
                }
            }
            return values;
        }

        var res = loop.RunUntilComplete(Foo);

        Assert.Equal(2, res.Count);
        Assert.Equal((1, (object)"a"), res[0]);
        Assert.Equal(2, res[1].Item1);
        Assert.IsType<TimeoutException>(res[1].Item2);
        Assert.Equal(0.12, loop.Time());

        loop.RunUntilComplete(async () => await loop.Wait([a, b]));
        Assert.Equal(0.15, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_as_completed_with_timeout (3.13, try_async_iterator)
    [Fact]
    public void AsCompletedAsync_Timeout_IterationThrowsTimeout()
    {
        var loop = NewLoop();
        var a = loop.CreateTask(() => loop.Sleep(0.1, "a"));
        var b = loop.CreateTask(() => loop.Sleep(0.15, "b"));

        async Task<List<(int, object)>> TryAsyncIterator()
        {
            var values = new List<(int, object)>();
            try
            {
                await foreach (var f in loop.AsCompletedAsync(new LoopTask<string>[] { a, b }, timeout: 0.12))
                {
                    var v = await f;
                    values.Add((1, v));
                }
            }
            catch (TimeoutException exc)
            {
                values.Add((2, exc));
            }
            return values;
        }

        var res = loop.RunUntilComplete(TryAsyncIterator);

        Assert.Equal(2, res.Count);
        Assert.Equal((1, (object)"a"), res[0]);
        Assert.Equal(2, res[1].Item1);
        Assert.IsType<TimeoutException>(res[1].Item2);
        Assert.Equal(0.12, loop.Time());

        loop.RunUntilComplete(async () => await loop.Wait([a, b]));
        Assert.Equal(0.15, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_as_completed_with_unused_timeout
    [Fact]
    public void AsCompleted_TimeoutNotReached_ResultAndNoTimerLeft()
    {
        var loop = NewLoop();

        async Task Foo()
        {
            var a = loop.CreateTask(() => loop.Sleep(0.01, "a"));
            foreach (var f in loop.AsCompleted(new IFuture<string>[] { a }, timeout: 1))
            {
                var v = await f;
                Assert.Equal("a", v);
            }
        }

        loop.RunUntilComplete(Foo);

        Assert.Equal(0.01, loop.Time());
        Assert.Equal(0, loop.TimerCount);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_as_completed_reverse_wait
    [Fact]
    public void AsCompleted_AwaitablesAwaitedInReverse_EachGivesNextResult()
    {
        var loop = NewLoop();

        async Task Test()
        {
            var fs = new IFuture<string>[]
            {
                loop.CreateTask(() => loop.Sleep(0.05, "a")),
                loop.CreateTask(() => loop.Sleep(0.10, "b")),
            };
            var futs = loop.AsCompleted(fs).ToList();
            Assert.Equal(2, futs.Count);

            var x = await futs[1];
            Assert.Equal("a", x);
            Assert.Equal(0.05, loop.Time());
            var y = await futs[0];
            Assert.Equal("b", y);
            Assert.Equal(0.10, loop.Time());
        }

        loop.RunUntilComplete(Test);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_as_completed_concurrent
    [Fact]
    public void AsCompleted_AllAwaitablesWaitedAtOnce_GiveAllResults()
    {
        var loop = NewLoop();

        async Task Test()
        {
            var fs = new IFuture<string>[]
            {
                loop.CreateTask(() => loop.Sleep(0.05, "a")),
                loop.CreateTask(() => loop.Sleep(0.05, "b")),
            };
            var futs = loop.AsCompleted(fs).ToList();
            Assert.Equal(2, futs.Count);
            var (done, pending) = await loop.Wait(futs.Select(fut => loop.EnsureFuture(fut)).ToList());
            Assert.Equal(new HashSet<string> { "a", "b" }, done.Select(f => f.Result()).ToHashSet());
            Assert.Empty(pending);
        }

        loop.RunUntilComplete(Test);
        Assert.Equal(0.05, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_as_completed_duplicate_coroutines
    [Fact]
    public void AsCompleted_SameTaskTwice_CountedOnce()
    {
        var loop = NewLoop();

        async Task<string> Coro(string s)
        {
            await Task.CompletedTask;
            return s;
        }

        async Task<List<string>> Runner()
        {
            var result = new List<string>();
            var c = loop.CreateTask(() => Coro("ham"));
            foreach (var f in loop.AsCompleted(new IFuture<string>[] { c, c, loop.CreateTask(() => Coro("spam")) }))
                result.Add(await f);
            return result;
        }

        var fut = loop.CreateTask(Runner);
        loop.RunUntilComplete(fut);
        var result = fut.Result();
        Assert.Equal(new HashSet<string> { "ham", "spam" }, result.ToHashSet());
        Assert.Equal(2, result.Count);
        Assert.Equal(["ham", "spam"], result);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_as_completed_coroutine_use_running_loop
    [Fact]
    public void AsCompleted_OneTask_OneAwaitableWithItsResult()
    {
        var loop = NewLoop();

        async Task<int> Coro()
        {
            await Task.CompletedTask;
            return 42;
        }

        async Task Test()
        {
            var futs = loop.AsCompleted(new IFuture<int>[] { loop.CreateTask(Coro) }).ToList();
            _ = Assert.Single(futs);
            Assert.Equal(42, await futs[0]);
        }

        loop.RunUntilComplete(Test);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_as_completed_same_tasks_in_as_out (3.13)
    [Fact]
    public void AsCompletedAsync_Tasks_YieldsTheSameTasks()
    {
        var loop = NewLoop();

        async Task<int> Coro(int i)
        {
            await Task.CompletedTask;
            return i;
        }

        async Task<List<LoopTask<int>>> TryAsyncIterator(LoopTask<int>[] awaitables)
        {
            var awaitablesOut = new List<LoopTask<int>>();
            await foreach (var outAw in loop.AsCompletedAsync(awaitables))
                awaitablesOut.Add(outAw);
            return awaitablesOut;
        }

        var awaitablesIn = Enumerable.Range(0, 4).Select(i => loop.CreateTask(() => Coro(i))).ToArray();
        var awaitablesOut = loop.RunUntilComplete(() => TryAsyncIterator(awaitablesIn));

        Assert.Equal(awaitablesIn, awaitablesOut);
    }
}
