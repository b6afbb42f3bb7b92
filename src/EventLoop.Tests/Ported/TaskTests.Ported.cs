namespace Asyncio.Tests.Ported;

/// <summary>Cases ported from CPython 3.12's <c>Lib/test/test_asyncio/test_tasks.py</c>.</summary>
/// <remarks>
/// <para><c>test_utils.run_briefly(loop)</c> is <see cref="RunBriefly"/>: a task of an empty
/// coroutine run to completion, which is two iterations, as in CPython.</para>
/// <para>CPython's <c>TestLoop</c> moves its clock by what a time generator yields, even past a
/// stop; on the virtual clock the time moves only when the loop would block, so the times
/// asserted here are the deadlines that really passed.</para>
/// </remarks>
public class PortedTaskTests : LoopTest
{
    /// <summary>asyncio's <c>test_utils.run_briefly</c>: run an empty task to completion (two iterations).</summary>
    private static void RunBriefly(EventLoop loop) => loop.RunUntilComplete(static () => Task.CompletedTask);

    private static bool SameSet<T>(IEnumerable<T> expected, HashSet<T> actual) where T : class =>
        actual.Count == expected.Count() && expected.All(actual.Contains);

    // ---- BaseTaskTests: basics ---------------------------------------------------------------

    // cpython: test_tasks.py::BaseTaskTests::test_task_cancel_message_getter
    [Fact]
    public void Cancel_WithMessageBeforeStart_RunUntilCompleteThrowsWithMessage()
    {
        var loop = NewLoop();
        var t = loop.CreateTask(static () => Task.CompletedTask);

        Assert.True(t.Cancel("my message"));

        var error = Assert.Throws<CancelledError>(() => loop.RunUntilComplete(t));
        Assert.Equal("my message", error.CancelMessage);
        Assert.True(t.Cancelled);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_other_loop_future
    [Fact]
    public void Await_FutureOfOtherLoop_TaskFailsWithRuntimeError()
    {
        var loop = NewLoop();
        var other = NewLoop();
        var fut = other.CreateFuture<int>();

        var error = Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(async () => await fut));

        Assert.Matches("^Task .* got Future .* attached to a different loop$", error.Message);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_task_awaits_on_itself
    [Fact]
    public void Await_TaskOnItself_FailsWithRuntimeError()
    {
        var loop = NewLoop();
        LoopTask task = null!;
        task = loop.EnsureFuture(async () => await task);

        var error = Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(task));

        Assert.StartsWith("Task cannot await on itself", error.Message);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_task_class
    [Fact]
    public void CreateTask_Awaited_DoneWithResultOnItsLoop()
    {
        var loop = NewLoop();
        var t = loop.CreateTask(async () => { await Task.CompletedTask; return "ok"; });

        loop.RunUntilComplete(t);

        Assert.True(t.Done);
        Assert.Equal("ok", t.Result());
        Assert.Same(loop, t.Loop);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_ensure_future_future
    [Fact]
    public void EnsureFuture_Future_ReturnsItAndRefusesOtherLoop()
    {
        var loop = NewLoop();
        var fOrig = loop.CreateFuture<string>();
        fOrig.SetResult("ko");

        var f = loop.EnsureFuture(fOrig);
        loop.RunUntilComplete(f);

        Assert.True(f.Done);
        Assert.Equal("ko", f.Result());
        Assert.Same(fOrig, f);
        var other = NewLoop();
        Assert.Throws<ArgumentException>(() => other.EnsureFuture(fOrig));
        Assert.Same(fOrig, loop.EnsureFuture(fOrig));
    }

    // cpython: test_tasks.py::BaseTaskTests::test_ensure_future_task
    [Fact]
    public void EnsureFuture_Task_ReturnsItAndRefusesOtherLoop()
    {
        var loop = NewLoop();
        var tOrig = loop.CreateTask(async () => { await Task.CompletedTask; return "ok"; });

        var t = loop.EnsureFuture(tOrig);
        loop.RunUntilComplete(t);

        Assert.True(t.Done);
        Assert.Equal("ok", t.Result());
        Assert.Same(tOrig, t);
        var other = NewLoop();
        Assert.Throws<ArgumentException>(() => other.EnsureFuture(tOrig));
        Assert.Same(tOrig, loop.EnsureFuture(tOrig));
    }

    // cpython: test_tasks.py::BaseTaskTests::test_ensure_future_error_msg
    [Fact]
    public void EnsureFuture_FutureOfOtherLoop_ThrowsWithAsyncioMessage()
    {
        var loop = NewLoop();
        var other = NewLoop();
        var f = loop.CreateFuture<int>();

        var error = Assert.Throws<ArgumentException>(() => other.EnsureFuture(f));

        Assert.Equal("The future belongs to a different loop than the one specified as the loop argument", error.Message);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_task_basics
    [Fact]
    public void RunUntilComplete_NestedCoroutines_ReturnsCombinedResult()
    {
        var loop = NewLoop();
        static async Task<int> Inner1() { await Task.CompletedTask; return 42; }
        static async Task<int> Inner2() { await Task.CompletedTask; return 1000; }
        static async Task<int> Outer()
        {
            int a = await Inner1();
            int b = await Inner2();
            return a + b;
        }

        Assert.Equal(1042, loop.RunUntilComplete(Outer));
    }

    // ---- cancelling() / uncancel() -----------------------------------------------------------

    // cpython: test_tasks.py::BaseTaskTests::test_cancelling
    [Fact]
    public void Cancelling_AfterEachCancel_CountsRequests()
    {
        var loop = NewLoop();
        var t = loop.CreateTask(async () => await loop.Sleep(10));

        Assert.Equal(0, t.Cancelling);
        Assert.True(t.Cancel());
        Assert.Equal(1, t.Cancelling);
        Assert.True(t.Cancel()); // 3.12 no longer refuses a second request
        Assert.Equal(2, t.Cancelling);

        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(t));
        Assert.Equal(0.0, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_uncancel_basic
    [Fact]
    public void Uncancel_AfterCatchingCancel_TaskGoesOnUntilCancelledAgain()
    {
        var loop = NewLoop();
        async Task Body()
        {
            try
            {
                await loop.Sleep(10);
            }
            catch (CancelledError)
            {
                loop.CurrentTask!.Uncancel();
                await loop.Sleep(10);
            }
        }
        var t = loop.CreateTask(Body);
        loop.RunUntilComplete(async () => await loop.Sleep(0.01));
        Assert.Equal(0.01, loop.Time());

        // Cancel the first sleep.
        Assert.True(t.Cancel());
        Assert.Equal(1, t.Cancelling);
        Assert.False(t.Cancelled);
        loop.RunUntilComplete(async () => await loop.Sleep(0.01));
        Assert.Equal(0.02, loop.Time());

        // After Uncancel().
        Assert.Equal(0, t.Cancelling);
        Assert.False(t.Cancelled);

        // Cancel the second sleep.
        Assert.True(t.Cancel());
        Assert.Equal(1, t.Cancelling);
        Assert.False(t.Cancelled);
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(t));
        Assert.True(t.Cancelled);
        Assert.True(t.Done);
        Assert.Equal(0.02, loop.Time());

        // Uncancel() no longer matters once the task is done.
        t.Uncancel();
        Assert.True(t.Cancelled);
        Assert.True(t.Done);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_uncancel_structured_blocks
    [Fact]
    public void Uncancel_StructuredTimeoutBlock_OuterCodeRunsOn()
    {
        // Python's finally with sys.exception() becomes a catch of CancelledError that rethrows.
        var loop = NewLoop();
        async Task<(bool TimedOut, bool BlockFinished, bool OuterReached)> MakeRequestWithTimeout(double sleep, double timeout)
        {
            var task = loop.CurrentTask!;
            bool timedOut = false, blockFinished = false, outerReached = false;
            var timeoutHandle = loop.CallLater(timeout, () => { timedOut = true; task.Cancel(); });
            try
            {
                try
                {
                    await loop.Sleep(sleep);
                    blockFinished = true;
                }
                catch (CancelledError)
                {
                    timeoutHandle.Cancel();
                    if (timedOut && task.Uncancel() == 0)
                        throw new TimeoutException();
                    throw;
                }
                timeoutHandle.Cancel();
            }
            catch (TimeoutException)
            {
                Assert.True(timedOut);
            }
            outerReached = true;
            await loop.Sleep(0);
            return (timedOut, blockFinished, outerReached);
        }

        var t1 = loop.CreateTask(() => MakeRequestWithTimeout(sleep: 10.0, timeout: 0.1));
        Assert.Equal((true, false, true), loop.RunUntilComplete(t1));
        Assert.Equal(0, t1.Cancelling);
        Assert.Equal(0.1, loop.Time());

        var t2 = loop.CreateTask(() => MakeRequestWithTimeout(sleep: 0, timeout: 10.0));
        Assert.Equal((false, true, true), loop.RunUntilComplete(t2));
        Assert.Equal(0, t2.Cancelling);
        Assert.Equal(0.1, loop.Time());
    }

    // ---- cancel at various points ------------------------------------------------------------

    // cpython: test_tasks.py::BaseTaskTests::test_cancel
    [Fact]
    public void Cancel_WhileSleeping_TaskCancelledAtOnce()
    {
        var loop = NewLoop();
        async Task<int> Body()
        {
            await loop.Sleep(10.0);
            return 12;
        }
        var t = loop.CreateTask(Body);
        loop.CallSoon(() => t.Cancel());

        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(t));

        Assert.True(t.Done);
        Assert.True(t.Cancelled);
        Assert.False(t.Cancel());
        Assert.Equal(0.0, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_cancel_with_message_then_future_result
    [Fact]
    public void Result_OfTaskCancelledWithMessage_ThrowsWithMessage()
    {
        // CPython's (5,) case has no C# twin: the message is a string.
        foreach (var (cancelWith, expected) in new (string?, string?)[] { (null, null), ("my message", "my message") })
        {
            var loop = NewLoop();
            async Task Coro()
            {
                var task = loop.CreateTask(async () => await loop.Sleep(10));
                await loop.Sleep(0);
                task.Cancel(cancelWith);
                await loop.Wait([task]);
                task.Result();
            }
            var outer = loop.CreateTask(Coro);

            var error = Assert.Throws<CancelledError>(() => loop.RunUntilComplete(outer));

            Assert.Equal(expected, error.CancelMessage);
            Assert.True(outer.Cancelled);
            Assert.Equal(0.0, loop.Time());
        }
    }

    // cpython: test_tasks.py::BaseTaskTests::test_cancel_with_message_then_future_exception
    [Fact]
    public void Exception_OfTaskCancelledWithMessage_ThrowsWithMessage()
    {
        foreach (var (cancelWith, expected) in new (string?, string?)[] { (null, null), ("my message", "my message") })
        {
            var loop = NewLoop();
            async Task Coro()
            {
                var task = loop.CreateTask(async () => await loop.Sleep(10));
                await loop.Sleep(0);
                task.Cancel(cancelWith);
                await loop.Wait([task]);
                task.Exception();
            }
            var outer = loop.CreateTask(Coro);

            var error = Assert.Throws<CancelledError>(() => loop.RunUntilComplete(outer));

            Assert.Equal(expected, error.CancelMessage);
            Assert.True(outer.Cancelled);
        }
    }

    // cpython: test_tasks.py::BaseTaskTests::test_cancellation_exception_context
    [Fact]
    public void Cancel_WithMessageFromCallback_AwaiterCatchesErrorWithMessage()
    {
        // Python's `raise ValueError("cancelled") from ex` becomes an inner exception.
        var loop = NewLoop();
        var fut = loop.CreateFuture<object?>();
        async Task Sleep()
        {
            fut.SetResult(null);
            await loop.Sleep(10);
        }
        async Task Coro()
        {
            var innerTask = loop.CreateTask(Sleep);
            await fut;
            loop.CallSoon(() => innerTask.Cancel("msg"));
            try
            {
                await innerTask;
            }
            catch (CancelledError ex)
            {
                throw new ArgumentException("cancelled", ex);
            }
        }
        var task = loop.CreateTask(Coro);

        var error = Assert.Throws<ArgumentException>(() => loop.RunUntilComplete(task));

        Assert.Equal("cancelled", error.Message);
        var inner = Assert.IsType<CancelledError>(error.InnerException);
        Assert.Equal("msg", inner.CancelMessage);
        Assert.True(task.Done);
        Assert.False(task.Cancelled);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_cancel_with_message_before_starting_task
    [Fact]
    public void Cancel_WithMessageBeforeTaskStarts_ExceptionThrowsWithMessage()
    {
        var loop = NewLoop();
        bool started = false;
        async Task Coro()
        {
            var task = loop.CreateTask(async () => { started = true; await loop.Sleep(10); });
            // Deliberately no sleep here.
            task.Cancel("my message");
            await loop.Wait([task]);
            task.Exception();
        }
        var outer = loop.CreateTask(Coro);

        var error = Assert.Throws<CancelledError>(() => loop.RunUntilComplete(outer));

        Assert.Equal("my message", error.CancelMessage);
        Assert.False(started);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_cancel_yield
    [Fact]
    public void Cancel_TaskBetweenSleepZero_Cancelled()
    {
        var loop = NewLoop();
        async Task<int> Body()
        {
            await loop.Sleep(0);
            await loop.Sleep(0);
            return 12;
        }
        var t = loop.CreateTask(Body);
        RunBriefly(loop); // start the coroutine

        t.Cancel();

        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(t));
        Assert.True(t.Done);
        Assert.True(t.Cancelled);
        Assert.False(t.Cancel());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_cancel_inner_future
    [Fact]
    public void Cancel_AwaitedFuture_TaskCancelled()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        async Task<int> Body()
        {
            await f;
            return 12;
        }
        var t = loop.CreateTask(Body);
        RunBriefly(loop); // start the task

        f.Cancel();

        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(t));
        Assert.True(f.Cancelled);
        Assert.True(t.Cancelled);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_cancel_both_task_and_inner_future
    [Fact]
    public void Cancel_BothTaskAndAwaitedFuture_TaskCancelled()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        async Task<int> Body()
        {
            await f;
            return 12;
        }
        var t = loop.CreateTask(Body);
        RunBriefly(loop);

        f.Cancel();
        t.Cancel();

        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(t));
        Assert.True(t.Done);
        Assert.True(f.Cancelled);
        Assert.True(t.Cancelled);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_cancel_task_catching
    [Fact]
    public void Cancel_TaskCatchesAndReturns_TaskFinishedWithResult()
    {
        var loop = NewLoop();
        var fut1 = loop.CreateFuture<object?>();
        var fut2 = loop.CreateFuture<object?>();
        async Task<int> Body()
        {
            await fut1;
            try
            {
                await fut2;
            }
            catch (CancelledError)
            {
                return 42;
            }
            return 0;
        }
        var t = loop.CreateTask(Body);
        RunBriefly(loop);
        Assert.Same(fut1, t.WaitingOn);
        fut1.SetResult(null);
        RunBriefly(loop);
        Assert.Same(fut2, t.WaitingOn);

        t.Cancel();

        Assert.True(fut2.Cancelled);
        Assert.Equal(42, loop.RunUntilComplete(t));
        Assert.False(t.Cancelled);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_cancel_task_ignoring
    [Fact]
    public void Cancel_TaskSwallowsCancellation_TaskGoesOnToResult()
    {
        var loop = NewLoop();
        var fut1 = loop.CreateFuture<object?>();
        var fut2 = loop.CreateFuture<object?>();
        var fut3 = loop.CreateFuture<int>();
        async Task<int> Body()
        {
            await fut1;
            try
            {
                await fut2;
            }
            catch (CancelledError)
            {
            }
            int res = await fut3;
            return res;
        }
        var t = loop.CreateTask(Body);
        RunBriefly(loop);
        Assert.Same(fut1, t.WaitingOn);
        fut1.SetResult(null);
        RunBriefly(loop);
        Assert.Same(fut2, t.WaitingOn);

        t.Cancel();
        Assert.True(fut2.Cancelled);
        RunBriefly(loop);
        Assert.Same(fut3, t.WaitingOn);
        fut3.SetResult(42);

        Assert.Equal(42, loop.RunUntilComplete(t));
        Assert.False(fut3.Cancelled);
        Assert.False(t.Cancelled);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_cancel_current_task
    [Fact]
    public void Cancel_CurrentTaskThenSleep_SleepCancelledAtOnce()
    {
        var loop = NewLoop();
        LoopTask<int> t = null!;
        async Task<int> Body()
        {
            t.Cancel();
            // The sleep should be cancelled immediately.
            await loop.Sleep(100);
            return 12;
        }
        t = loop.CreateTask(Body);
        Assert.False(t.Cancelled);

        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(t));

        Assert.True(t.Done);
        Assert.True(t.Cancelled);
        Assert.False(t.Cancel());
        Assert.Equal(0.0, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_cancel_at_end
    [Fact]
    public void Cancel_CurrentTaskThenReturn_TaskCancelled()
    {
        var loop = NewLoop();
        LoopTask<int> t = null!;
        async Task<int> Body()
        {
            t.Cancel();
            await Task.CompletedTask;
            return 12;
        }
        t = loop.CreateTask(Body);
        Assert.False(t.Cancelled);

        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(t));

        Assert.True(t.Done);
        Assert.True(t.Cancelled);
        Assert.False(t.Cancel());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_cancel_awaited_task
    [Fact]
    public void Cancel_CurrentTaskThenAwaitTask_AwaitedTaskAndItsFutureCancelled()
    {
        var loop = NewLoop();
        LoopTask task = null!;
        LoopTask? nestedTask = null;
        var fut = loop.CreateFuture<object?>();
        async Task Nested() => await fut;
        async Task Coro()
        {
            // Create a sub-task and wait for it to run.
            nestedTask = loop.CreateTask(Nested);
            await loop.Sleep(0);
            // Request that the current task be cancelled, then block on the nested task.
            task.Cancel();
            await nestedTask;
        }
        task = loop.CreateTask(Coro);

        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));

        Assert.True(task.Cancelled);
        Assert.True(nestedTask!.Cancelled);
        Assert.True(fut.Cancelled);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_stop_while_run_in_complete
    [Fact]
    public void RunUntilComplete_LoopStoppedByTask_ThrowsAndTaskStaysPending()
    {
        var loop = NewLoop();
        int x = 0;
        async Task Body()
        {
            while (x < 10)
            {
                await loop.Sleep(0.1);
                x++;
                if (x == 2)
                    loop.Stop();
            }
        }
        var t = loop.CreateTask(Body);

        var error = Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(t));

        Assert.Equal("Event loop stopped before Future completed.", error.Message);
        Assert.False(t.Done);
        Assert.Equal(2, x);
        // CPython's TestLoop reads 0.3 here (its generator advances for the timer just armed); the
        // virtual clock stopped at the last deadline that passed.
        Assert.Equal(0.2, loop.Time());

        t.Cancel();
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(t));
        Assert.Equal(0.2, loop.Time());
    }

    // ---- wait() ----------------------------------------------------------------------------

    // cpython: test_tasks.py::BaseTaskTests::test_wait
    [Fact]
    public void Wait_AllCompleted_ReturnsAllDoneAtLastDeadline()
    {
        var loop = NewLoop();
        var a = loop.CreateTask(async () => await loop.Sleep(0.1));
        var b = loop.CreateTask(async () => await loop.Sleep(0.15));
        async Task<int> Foo()
        {
            var (done, pending) = await loop.Wait([b, a]);
            Assert.True(SameSet([a, b], done));
            Assert.Empty(pending);
            return 42;
        }

        Assert.Equal(42, loop.RunUntilComplete(loop.CreateTask(Foo)));
        Assert.Equal(0.15, loop.Time());

        // Doing it again takes no time and exercises a different path.
        Assert.Equal(42, loop.RunUntilComplete(loop.CreateTask(Foo)));
        Assert.Equal(0.15, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_wait_duplicate_coroutines
    [Fact]
    public void Wait_SameTaskTwice_CountedOnce()
    {
        var loop = NewLoop();
        static async Task<string> Coro(string s) { await Task.CompletedTask; return s; }
        var c = loop.CreateTask(() => Coro("test"));

        var (done, pending) = loop.RunUntilComplete(loop.CreateTask(() => loop.Wait([c, c, loop.CreateTask(() => Coro("spam"))])));

        Assert.Empty(pending);
        Assert.Equal(["spam", "test"], done.Select(f => f.Result()).Order());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_wait_errors
    [Fact]
    public void Wait_EmptySetOrBadReturnWhen_ThrowsValueError()
    {
        var loop = NewLoop();
        var empty = Assert.Throws<ArgumentException>(() => loop.RunUntilComplete(() => loop.Wait(Array.Empty<Future>())));
        Assert.StartsWith("Set of Tasks/Futures is empty.", empty.Message);

        var fut = loop.CreateFuture<int>();
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => loop.RunUntilComplete(() => loop.Wait([fut], returnWhen: (ReturnWhen)(-1))));
        Assert.Equal("Invalid return_when value: -1", bad.Message);
        fut.Cancel();
    }

    // cpython: test_tasks.py::BaseTaskTests::test_wait_first_completed
    [Fact]
    public void Wait_FirstCompleted_ReturnsAtFirstDeadline()
    {
        var loop = NewLoop();
        var a = loop.CreateTask(async () => await loop.Sleep(10.0));
        var b = loop.CreateTask(async () => await loop.Sleep(0.1));
        var task = loop.CreateTask(() => loop.Wait([b, a], returnWhen: ReturnWhen.FirstCompleted));

        var (done, pending) = loop.RunUntilComplete(task);

        Assert.True(SameSet([b], done));
        Assert.True(SameSet([a], pending));
        Assert.False(a.Done);
        Assert.True(b.Done);
        Assert.Null(b.Result());
        Assert.Equal(0.1, loop.Time());

        loop.RunUntilComplete(() => loop.Wait([a, b]));
        Assert.Equal(10.0, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_wait_really_done
    [Fact]
    public void Wait_FirstCompleted_OtherTaskDoneMeanwhileIsInDone()
    {
        var loop = NewLoop();
        async Task Coro1() => await loop.Sleep(0);
        async Task Coro2()
        {
            await loop.Sleep(0);
            await loop.Sleep(0);
        }
        var a = loop.CreateTask(Coro1);
        var b = loop.CreateTask(Coro2);
        var task = loop.CreateTask(() => loop.Wait([b, a], returnWhen: ReturnWhen.FirstCompleted));

        var (done, pending) = loop.RunUntilComplete(task);

        Assert.True(SameSet([a, b], done));
        Assert.Empty(pending);
        Assert.True(a.Done);
        Assert.Null(a.Result());
        Assert.True(b.Done);
        Assert.Null(b.Result());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_wait_first_exception
    [Fact]
    public void Wait_FirstExceptionAlreadyRaised_ReturnsAtTimeZero()
    {
        var loop = NewLoop();
        var a = loop.CreateTask(async () => await loop.Sleep(10.0));
        static async Task Exc()
        {
            await Task.CompletedTask;
            throw new DivideByZeroException("err");
        }
        var b = loop.CreateTask(Exc);
        var task = loop.CreateTask(() => loop.Wait([b, a], returnWhen: ReturnWhen.FirstException));

        var (done, pending) = loop.RunUntilComplete(task);

        Assert.True(SameSet([b], done));
        Assert.True(SameSet([a], pending));
        Assert.Equal(0.0, loop.Time());

        loop.RunUntilComplete(() => loop.Wait([a, b]));
        Assert.Equal(10.0, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_wait_first_exception_in_wait
    [Fact]
    public void Wait_FirstExceptionDuringWait_ReturnsAtItsDeadline()
    {
        var loop = NewLoop();
        var a = loop.CreateTask(async () => await loop.Sleep(10.0));
        async Task Exc()
        {
            await loop.Sleep(0.01);
            throw new DivideByZeroException("err");
        }
        var b = loop.CreateTask(Exc);

        var (done, pending) = loop.RunUntilComplete(() => loop.Wait([b, a], returnWhen: ReturnWhen.FirstException));

        Assert.True(SameSet([b], done));
        Assert.True(SameSet([a], pending));
        Assert.Equal(0.01, loop.Time());

        loop.RunUntilComplete(() => loop.Wait([a, b]));
        Assert.Equal(10.0, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_wait_with_exception
    [Fact]
    public void Wait_AllCompletedWithOneFailure_BothDoneOneError()
    {
        var loop = NewLoop();
        var a = loop.CreateTask(async () => await loop.Sleep(0.1));
        async Task Sleeper()
        {
            await loop.Sleep(0.15);
            throw new DivideByZeroException("really");
        }
        var b = loop.CreateTask(Sleeper);
        async Task Foo()
        {
            var (done, pending) = await loop.Wait([b, a]);
            Assert.Equal(2, done.Count);
            Assert.Empty(pending);
            Assert.Equal(1, done.Count(f => f.Exception() is not null));
        }

        loop.RunUntilComplete(loop.CreateTask(Foo));
        Assert.Equal(0.15, loop.Time());

        loop.RunUntilComplete(loop.CreateTask(Foo));
        Assert.Equal(0.15, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_wait_with_timeout
    [Fact]
    public void Wait_Timeout_ReturnsDoneAndPendingAtTimeout()
    {
        var loop = NewLoop();
        var a = loop.CreateTask(async () => await loop.Sleep(0.1));
        var b = loop.CreateTask(async () => await loop.Sleep(0.15));
        async Task Foo()
        {
            var (done, pending) = await loop.Wait([b, a], timeout: 0.11);
            Assert.True(SameSet([a], done));
            Assert.True(SameSet([b], pending));
        }

        loop.RunUntilComplete(loop.CreateTask(Foo));
        Assert.Equal(0.11, loop.Time());

        loop.RunUntilComplete(() => loop.Wait([a, b]));
        Assert.Equal(0.15, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_wait_concurrent_complete
    [Fact]
    public void Wait_TimeoutAtSameDeadlineAsTask_TaskCountsAsDone()
    {
        var loop = NewLoop();
        var a = loop.CreateTask(async () => await loop.Sleep(0.1));
        var b = loop.CreateTask(async () => await loop.Sleep(0.15));

        var (done, pending) = loop.RunUntilComplete(() => loop.Wait([b, a], timeout: 0.1));

        Assert.True(SameSet([a], done));
        Assert.True(SameSet([b], pending));
        Assert.Equal(0.1, loop.Time());

        loop.RunUntilComplete(() => loop.Wait([a, b]));
        Assert.Equal(0.15, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_wait_with_iterator_of_tasks
    [Fact]
    public void Wait_IteratorOfTasks_ReturnsAllDone()
    {
        var loop = NewLoop();
        var a = loop.CreateTask(async () => await loop.Sleep(0.1));
        var b = loop.CreateTask(async () => await loop.Sleep(0.15));
        static IEnumerable<LoopTask> Iter(LoopTask x, LoopTask y)
        {
            yield return x;
            yield return y;
        }
        async Task<int> Foo()
        {
            var (done, pending) = await loop.Wait(Iter(b, a));
            Assert.True(SameSet([a, b], done));
            Assert.Empty(pending);
            return 42;
        }

        Assert.Equal(42, loop.RunUntilComplete(loop.CreateTask(Foo)));
        Assert.Equal(0.15, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_wait_generator
    [Fact]
    public void Wait_LazySequenceCreatingTasks_AllDone()
    {
        var loop = NewLoop();
        static async Task<int> Func(int a) { await Task.CompletedTask; return a; }
        async Task<(int, int)> Main()
        {
            var tasks = Enumerable.Range(0, 10).Select(i => loop.CreateTask(() => Func(i)));
            var (done, pending) = await loop.Wait(tasks, returnWhen: ReturnWhen.AllCompleted);
            return (done.Count, pending.Count);
        }

        Assert.Equal((10, 0), loop.RunUntilComplete(Main));
    }

    // ---- sleep() -----------------------------------------------------------------------------

    // cpython: test_tasks.py::BaseTaskTests::test_sleep
    [Fact]
    public void Sleep_WithResult_ReturnsItAfterDelay()
    {
        var loop = NewLoop();
        async Task<string> Sleeper(double dt, string arg)
        {
            await loop.Sleep(dt / 2);
            string res = await loop.Sleep(dt / 2, arg);
            return res;
        }
        var t = loop.CreateTask(() => Sleeper(0.1, "yeah"));

        loop.RunUntilComplete(t);

        Assert.True(t.Done);
        Assert.Equal("yeah", t.Result());
        Assert.Equal(0.1, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_task_cancel_sleeping_task
    [Fact]
    public void Cancel_SleepingTaskFromTimer_AwaiterCatchesAtThatTime()
    {
        var loop = NewLoop();
        async Task<string> Doit()
        {
            var sleeper = loop.CreateTask(async () => await loop.Sleep(5000));
            loop.CallLater(0.1, () => sleeper.Cancel());
            try
            {
                await sleeper;
            }
            catch (CancelledError)
            {
                return "cancelled";
            }
            return "slept in";
        }

        Assert.Equal("cancelled", loop.RunUntilComplete(Doit));
        Assert.Equal(0.1, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_task_cancel_waiter_future
    [Fact]
    public void Cancel_TaskAwaitingFuture_CancelsThatFuture()
    {
        var loop = NewLoop();
        var fut = loop.CreateFuture<object?>();
        var task = loop.CreateTask(async () => await fut);
        RunBriefly(loop);
        Assert.Same(fut, task.WaitingOn);

        task.Cancel();
        RunBriefly(loop);

        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        Assert.Null(task.WaitingOn);
        Assert.True(fut.Cancelled);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_task_set_methods
    [Fact]
    public void SetException_OnTask_NotSupported()
    {
        // set_result has no C# twin to call: LoopTask<T> has no SetResult at all.
        var loop = NewLoop();
        var task = loop.CreateTask(async () => { await Task.CompletedTask; return "ko"; });

        var error = Assert.Throws<InvalidOperationException>(() => task.SetException(new ArgumentException()));

        Assert.Contains("not support set_exception", error.Message);
        Assert.Equal("ko", loop.RunUntilComplete(task));
    }

    // cpython: test_tasks.py::BaseTaskTests::test_step_result_future
    [Fact]
    public void Await_Future_TaskResumesWithItsResult()
    {
        // (The subclass that records add_done_callback has no C# twin; the outcome is ported.)
        var loop = NewLoop();
        var fut = loop.CreateFuture<object>();
        object? result = null;
        async Task WaitForFuture() => result = await fut;
        var t = loop.CreateTask(WaitForFuture);
        RunBriefly(loop);
        Assert.Same(fut, t.WaitingOn);

        var res = new object();
        fut.SetResult(res);
        RunBriefly(loop);

        Assert.Same(res, result);
        Assert.True(t.Done);
        Assert.Null(t.Result());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_coroutine_non_gen_function_return_future
    [Fact]
    public void CreateTask_CoroutineReturnsFuture_ResultIsTheFutureItself()
    {
        var loop = NewLoop();
        var fut = loop.CreateFuture<string>();
        var t1 = loop.CreateTask(async () => { await Task.CompletedTask; return fut; });
        var t2 = loop.CreateTask(async () => { await Task.CompletedTask; fut.SetResult("test"); });

        var res = loop.RunUntilComplete(t1);

        Assert.Same(fut, res);
        Assert.Null(t2.Result());
    }

    // ---- current_task / all_tasks ---------------------------------------------------------------

    // cpython: test_tasks.py::BaseTaskTests::test_current_task
    [Fact]
    public void CurrentTask_InsideAndOutsideTask_IsTaskThenNull()
    {
        var loop = NewLoop();
        Assert.Null(loop.CurrentTask);
        LoopTask task = null!;
        var seen = new List<LoopTask?>();
        async Task Coro()
        {
            seen.Add(loop.CurrentTask);
            await Task.CompletedTask;
            seen.Add(loop.CurrentTask);
        }
        task = loop.CreateTask(Coro);

        loop.RunUntilComplete(task);

        Assert.Equal([task, task], seen);
        Assert.Null(loop.CurrentTask);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_current_task_with_interleaving_tasks
    [Fact]
    public void CurrentTask_InterleavingTasks_EachSeesItself()
    {
        var loop = NewLoop();
        Assert.Null(loop.CurrentTask);
        var fut1 = loop.CreateFuture<bool>();
        var fut2 = loop.CreateFuture<bool>();
        LoopTask task1 = null!, task2 = null!;
        var log = new List<string>();
        async Task Coro1()
        {
            log.Add($"1 start {loop.CurrentTask == task1}");
            await fut1;
            log.Add($"1 resumed {loop.CurrentTask == task1}");
            fut2.SetResult(true);
        }
        async Task Coro2()
        {
            log.Add($"2 start {loop.CurrentTask == task2}");
            fut1.SetResult(true);
            await fut2;
            log.Add($"2 resumed {loop.CurrentTask == task2}");
        }
        task1 = loop.CreateTask(Coro1);
        task2 = loop.CreateTask(Coro2);

        loop.RunUntilComplete(() => loop.Wait([task1, task2]));

        Assert.Equal(["1 start True", "2 start True", "1 resumed True", "2 resumed True"], log);
        Assert.Null(loop.CurrentTask);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_log_destroyed_pending_task
    [Fact]
    public void Close_TaskStillPending_ReportsDestroyedPendingTask()
    {
        // differs from asyncio: reported at Close (docs/design.md "Faults, bad input and resources"),
        // not when the garbage collector finalizes the task.
        var loop = NewLoop();
        async Task KillMe()
        {
            var future = loop.CreateFuture<object?>();
            await future;
            throw new Exception("code never reached");
        }
        var task = loop.EnsureFuture(KillMe);
        Assert.Equal([task], loop.AllTasks());

        RunOnce(loop); // the task now waits on its future
        Assert.IsType<Future<object?>>(task.WaitingOn);
        Assert.Equal([task], loop.AllTasks());
        loop.Close();

        var report = Assert.Single(TakeReports());
        Assert.Equal("Task was destroyed but it is pending!", report.Message);
        Assert.Same(task, report.Task);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_tb_logger_not_called_after_cancel
    [Fact]
    public void Cancel_OnFailedTask_SilencesNeverRetrievedReport()
    {
        // asyncio's Task.cancel() clears __log_traceback before it looks at done().
        var loop = NewLoop();
        static async Task Coro()
        {
            await Task.CompletedTask;
            throw new ArgumentException(); // CPython raises TypeError
        }
        async Task Runner()
        {
            var task = loop.CreateTask(Coro);
            await loop.Sleep(0.05);
            Assert.False(task.Cancel());
        }

        loop.RunUntilComplete(Runner);
        loop.Close();

        Assert.Empty(TakeReports());
        Assert.Equal(0.05, loop.Time());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_bare_create_named_task
    [Fact]
    public void CreateTask_WithName_NameKept()
    {
        var loop = NewLoop();
        async Task Coro()
        {
            var task = loop.CreateTask(static () => Task.CompletedTask, name: "No-op");
            Assert.Equal("No-op", task.Name);
            await task;
        }

        loop.RunUntilComplete(Coro);
    }

    // ---- propagation of cancellation through coroutines, wait() and gather() ---------------

    // cpython: test_tasks.py::BaseTaskTests::test_yield_future_passes_cancel
    [Fact]
    public void Cancel_OuterAwaitingInnerCoroutine_CancelReachesInnerFuture()
    {
        var loop = NewLoop();
        int proof = 0;
        var waiter = loop.CreateFuture<object?>();
        async Task Inner()
        {
            try
            {
                await waiter;
            }
            catch (CancelledError)
            {
                proof += 1;
                throw;
            }
            Assert.Fail("got past the await in Inner()");
        }
        async Task Outer()
        {
            try
            {
                await Inner();
                proof += 10;
            }
            catch (CancelledError)
            {
                proof += 100; // expect this path
            }
        }
        var f = loop.EnsureFuture(Outer);
        RunBriefly(loop);

        f.Cancel();
        loop.RunUntilComplete(f);

        Assert.Equal(101, proof);
        Assert.True(waiter.Cancelled);
        Assert.False(f.Cancelled);
    }

    // cpython: test_tasks.py::BaseTaskTests::test_yield_wait_does_not_shield_cancel
    [Fact]
    public void Cancel_OuterInWait_WaitReturnsEarlyAndInnerRunsOn()
    {
        var loop = NewLoop();
        int proof = 0;
        var waiter = loop.CreateFuture<object?>();
        async Task Inner()
        {
            await waiter;
            proof += 1;
        }
        async Task Outer()
        {
            await loop.Wait([loop.CreateTask(Inner)]);
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

    // cpython: test_tasks.py::BaseTaskTests::test_cancel_gather_1
    [Fact]
    public void Cancel_GatherWhoseChildrenAreDone_ReturnsFalse()
    {
        var loop = NewLoop();
        var fut = loop.CreateFuture<int>();
        Future Create()
        {
            // The indirection fut -> ChildCoro keeps the gather from finishing with fut.
            async Task<int> ChildCoro() => await fut;
            var gatherFuture = loop.Gather(ChildCoro);
            return loop.EnsureFuture(gatherFuture);
        }
        var gatherTask = (Future<int[]>)loop.RunUntilComplete(async () => { await Task.CompletedTask; return Create(); });
        bool? cancelResult = null;
        fut.AddDoneCallback(_ => cancelResult = gatherTask.Cancel());

        fut.SetResult(42); // the callback runs after fut is done
        loop.RunUntilComplete(gatherTask);

        // A gather whose children are all done refuses the cancel, and its result stands (an old gather returned True and lost the result)
        Assert.False(cancelResult);
        Assert.False(gatherTask.Cancelled);
        Assert.Equal([42], gatherTask.Result());
    }

    // cpython: test_tasks.py::BaseTaskTests::test_cancel_gather_2
    [Fact]
    public void Cancel_TaskAwaitingGatherWithReturnExceptions_PropagatesToCaller()
    {
        foreach (var (cancelWith, expected) in new (string?, string?)[] { (null, null), ("my message", "my message") })
        {
            var loop = NewLoop();
            async Task Test()
            {
                double time = 0;
                while (true)
                {
                    time += 0.05;
                    await loop.Gather([async () => await loop.Sleep(0.05)], returnExceptions: true);
                    if (time > 1)
                        return;
                }
            }
            async Task Main()
            {
                var qwe = loop.CreateTask(Test);
                await loop.Sleep(0.2);
                qwe.Cancel(cancelWith);
                await qwe;
            }

            var error = Assert.Throws<CancelledError>(() => loop.RunUntilComplete(Main));

            Assert.Equal(expected, error.CancelMessage);
            Assert.Equal(0.2, loop.Time());
        }
    }

    // ---- gather() ----------------------------------------------------------------------------

    private static (Future<int[]> Fut, Future<int> A, Future<int> B, Future<int> C) CheckSuccessSetup(EventLoop loop)
    {
        var a = loop.CreateFuture<int>();
        var b = loop.CreateFuture<int>();
        var c = loop.CreateFuture<int>();
        return (loop.Gather<int>(a, b, c), a, b, c);
    }

    // cpython: test_tasks.py::FutureGatherTests::test_success
    [Fact]
    public void Gather_AllSucceed_ResultsInArgumentOrder()
    {
        var loop = NewLoop();
        var (fut, a, b, c) = CheckSuccessSetup(loop);
        var calls = new List<Future>();
        fut.AddDoneCallback(calls.Add);

        b.SetResult(1);
        a.SetResult(2);
        RunBriefly(loop);
        Assert.Empty(calls);
        Assert.False(fut.Done);
        c.SetResult(3);
        RunBriefly(loop);

        Assert.Same(fut, Assert.Single(calls));
        Assert.Equal([2, 1, 3], fut.Result());
    }

    // cpython: test_tasks.py::FutureGatherTests::test_result_exception_success
    [Fact]
    public void Gather_ReturnExceptionsAllSucceed_ResultsInArgumentOrder()
    {
        var loop = NewLoop();
        var a = loop.CreateFuture<int>();
        var b = loop.CreateFuture<int>();
        var c = loop.CreateFuture<int>();
        var fut = loop.Gather([a, b, c], returnExceptions: true);
        var calls = new List<Future>();
        fut.AddDoneCallback(calls.Add);

        b.SetResult(1);
        a.SetResult(2);
        RunBriefly(loop);
        Assert.Empty(calls);
        Assert.False(fut.Done);
        c.SetResult(3);
        RunBriefly(loop);

        Assert.Same(fut, Assert.Single(calls));
        Assert.Equal([2, 1, 3], fut.Result());
    }

    // cpython: test_tasks.py::FutureGatherTests::test_one_exception
    [Fact]
    public void Gather_OneChildFails_DoneWithThatException()
    {
        var loop = NewLoop();
        var fs = Enumerable.Range(0, 5).Select(_ => loop.CreateFuture<int>()).ToArray();
        var (a, b, c, d, e) = (fs[0], fs[1], fs[2], fs[3], fs[4]);
        var fut = loop.Gather<int>(a, b, c, d, e);
        var calls = new List<Future>();
        fut.AddDoneCallback(calls.Add);
        var exc = new DivideByZeroException();

        a.SetResult(1);
        b.SetException(exc);
        RunBriefly(loop);

        Assert.True(fut.Done);
        Assert.Same(fut, Assert.Single(calls));
        Assert.Same(exc, fut.Exception());
        // Does nothing.
        c.SetResult(3);
        d.Cancel();
        e.SetException(new InvalidOperationException());
        e.Exception();
        RunBriefly(loop);
        Assert.Single(calls);
    }

    // cpython: test_tasks.py::FutureGatherTests::test_return_exceptions
    [Fact]
    public void Gather_ReturnExceptions_ExceptionsStandInResults()
    {
        var loop = NewLoop();
        var a = loop.CreateFuture<int>();
        var b = loop.CreateFuture<int>();
        var c = loop.CreateFuture<int>();
        var d = loop.CreateFuture<int>();
        var fut = loop.Gather([a, b, c, d], returnExceptions: true);
        var calls = new List<Future>();
        fut.AddDoneCallback(calls.Add);
        var exc = new DivideByZeroException();
        var exc2 = new InvalidOperationException();

        b.SetResult(1);
        c.SetException(exc);
        a.SetResult(3);
        RunBriefly(loop);
        Assert.False(fut.Done);
        d.SetException(exc2);
        RunBriefly(loop);

        Assert.True(fut.Done);
        Assert.Same(fut, Assert.Single(calls));
        Assert.Equal([3, 1, exc, exc2], fut.Result());
    }

    // cpython: test_tasks.py::FutureGatherTests::test_constructor_empty_sequence_use_running_loop
    [Fact]
    public void Gather_NothingInsideRunningLoop_DoneWithEmptyList()
    {
        var loop = NewLoop();

        var fut = loop.RunUntilComplete(async () => { await Task.CompletedTask; return loop.Gather(Array.Empty<Future>()); });

        Assert.Same(loop, fut.Loop);
        RunBriefly(loop);
        Assert.True(fut.Done);
        Assert.Empty(fut.Result());
    }

    // cpython: test_tasks.py::FutureGatherTests::test_constructor_heterogenous_futures
    [Fact]
    public void Gather_FuturesOfTwoLoops_ThrowsValueError()
    {
        var loop = NewLoop();
        var other = NewLoop();
        var fut1 = loop.CreateFuture<int>();
        var fut2 = other.CreateFuture<int>();

        var error = Assert.Throws<ArgumentException>(() => loop.Gather<int>(fut1, fut2));

        Assert.Equal("The future belongs to a different loop than the one specified as the loop argument", error.Message);
    }

    // cpython: test_tasks.py::FutureGatherTests::test_one_cancellation
    [Fact]
    public void Gather_OneChildCancelled_FailsWithCancelledErrorButIsNotCancelled()
    {
        var loop = NewLoop();
        var fs = Enumerable.Range(0, 5).Select(_ => loop.CreateFuture<int>()).ToArray();
        var (a, b, c, d, e) = (fs[0], fs[1], fs[2], fs[3], fs[4]);
        var fut = loop.Gather<int>(a, b, c, d, e);
        var calls = new List<Future>();
        fut.AddDoneCallback(calls.Add);

        a.SetResult(1);
        b.Cancel();
        RunBriefly(loop);

        Assert.True(fut.Done);
        Assert.Same(fut, Assert.Single(calls));
        Assert.False(fut.Cancelled);
        Assert.IsType<CancelledError>(fut.Exception());
        // Does nothing.
        c.SetResult(3);
        d.Cancel();
        e.SetException(new InvalidOperationException());
        e.Exception();
    }

    // cpython: test_tasks.py::FutureGatherTests::test_result_exception_one_cancellation
    [Fact]
    public void Gather_ReturnExceptionsWithCancellations_CancelledErrorsStandInResults()
    {
        var loop = NewLoop();
        var fs = Enumerable.Range(0, 6).Select(_ => loop.CreateFuture<int>()).ToArray();
        var fut = loop.Gather(fs, returnExceptions: true);
        var calls = new List<Future>();
        fut.AddDoneCallback(calls.Add);

        fs[0].SetResult(1);
        var zde = new DivideByZeroException();
        fs[1].SetException(zde);
        fs[2].Cancel();
        RunBriefly(loop);
        Assert.False(fut.Done);
        fs[3].SetResult(3);
        fs[4].Cancel();
        var rte = new InvalidOperationException();
        fs[5].SetException(rte);

        var res = loop.RunUntilComplete(fut);

        Assert.IsType<CancelledError>(res[2]);
        Assert.IsType<CancelledError>(res[4]);
        res[2] = res[4] = null;
        Assert.Equal([1, zde, null, 3, null, rte], res);
        Assert.Same(fut, Assert.Single(calls));
    }

    // cpython: test_tasks.py::CoroutineGatherTests::test_duplicate_coroutines
    [Fact]
    public void Gather_SameTaskSeveralTimes_ResultRepeated()
    {
        // A C# coroutine cannot be passed twice unstarted; the same task given three times is
        // gathered once and reported three times, as asyncio's gather does for one coroutine.
        var loop = NewLoop();
        static async Task<string> Coro(string s) { await Task.CompletedTask; return s; }
        var c = loop.CreateTask(() => Coro("abc"));

        var fut = loop.RunUntilComplete(async () => { await Task.CompletedTask; return loop.Gather<string>(c, c, loop.CreateTask(() => Coro("def")), c); });
        RunBriefly(loop);

        Assert.Equal(["abc", "abc", "def", "abc"], fut.Result());
    }

    // cpython: test_tasks.py::CoroutineGatherTests::test_cancellation_broadcast
    [Fact]
    public void Cancel_TaskAwaitingGather_CancelsAllChildren()
    {
        var loop = NewLoop();
        int proof = 0;
        var waiter = loop.CreateFuture<object?>();
        async Task Inner()
        {
            await waiter;
            proof += 1;
        }
        var child1 = loop.EnsureFuture(Inner);
        var child2 = loop.EnsureFuture(Inner);
        Future<object?[]>? gatherer = null;
        async Task Outer()
        {
            gatherer = loop.Gather([child1, child2]);
            await gatherer;
            proof += 100;
        }
        var f = loop.EnsureFuture(Outer);
        RunBriefly(loop);

        Assert.True(f.Cancel());

        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(f));
        Assert.False(gatherer!.Cancel());
        Assert.True(waiter.Cancelled);
        Assert.True(child1.Cancelled);
        Assert.True(child2.Cancelled);
        RunBriefly(loop);
        Assert.Equal(0, proof);
    }

    // cpython: test_tasks.py::CoroutineGatherTests::test_exception_marking
    [Fact]
    public void Gather_TwoChildrenFail_FirstExceptionWinsAndSecondIsMarkedRetrieved()
    {
        var loop = NewLoop();
        static async Task Inner(Future<object?> f)
        {
            await f;
            throw new InvalidOperationException("should not be ignored");
        }
        var a = loop.CreateFuture<object?>();
        var b = loop.CreateFuture<object?>();
        async Task Outer() => await loop.Gather(() => Inner(a), () => Inner(b));
        var f = loop.EnsureFuture(Outer);

        RunBriefly(loop);
        a.SetResult(null);
        RunBriefly(loop);
        b.SetResult(null);
        RunBriefly(loop);

        var error = Assert.IsType<InvalidOperationException>(f.Exception());
        Assert.Equal("should not be ignored", error.Message);
        loop.Close();
        Assert.Empty(TakeReports());
    }

    // cpython: test_tasks.py::SleepTests::test_sleep_zero
    [Fact]
    public void Sleep_Zero_YieldsOneIterationAndReturnsResult()
    {
        var loop = NewLoop();
        int result = 0;
        async Task Coro()
        {
            loop.CallSoon(() => result += 1);
            Assert.Equal(0, result);
            int num = await loop.Sleep(0, 10);
            Assert.Equal(1, result); // incremented by the CallSoon callback
            result += num;
        }

        loop.RunUntilComplete(Coro);

        Assert.Equal(11, result);
        Assert.Equal(0.0, loop.Time());
    }
}
