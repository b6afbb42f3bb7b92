namespace Asyncio.Tests.Ported;

/// <summary>Cases ported from CPython 3.12's <c>Lib/test/test_asyncio/test_waitfor.py</c>.</summary>
/// <remarks>
/// <para>CPython's <c>IsolatedAsyncioTestCase</c> body runs here as a task under
/// <c>loop.RunUntilComplete(async () =&gt; ...)</c> on the virtual clock, so every time is exact.</para>
/// <para><c>SlowTask</c> reads the loop's clock instead of <c>time.monotonic()</c>.</para>
/// </remarks>
public class PortedWaitForTests : LoopTest
{
    // The following value can be used as a very small timeout:
    // it passes check "timeout > 0", but has almost no effect.
    private const double Epsilon = 0.0001;

    /// <summary>Task will run for this defined time, ignoring cancel requests.</summary>
    private sealed class SlowTask(EventLoop loop)
    {
        public const double TaskTimeout = 0.2;

        public bool Exited { get; private set; }

        public async Task Run()
        {
            double exitAt = loop.Time() + TaskTimeout;
            while (true)
            {
                double toSleep = exitAt - loop.Time();
                if (toSleep <= 0)
                    break;
                try
                {
                    await loop.Sleep(toSleep);
                }
                catch (CancelledError)
                {
                }
            }
            Exited = true;
        }
    }

    private sealed class FooException : Exception;

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_asyncio_wait_for_cancelled
    [Fact]
    public void WaitFor_CancelledWhileCoroutineIgnoresCancel_CoroutineRunsToEnd()
    {
        var loop = NewLoop();
        var t = new SlowTask(loop);

        loop.RunUntilComplete(async () =>
        {
            var waitForTask = loop.CreateTask(() => loop.WaitFor(() => t.Run(), SlowTask.TaskTimeout * 2));
            await loop.Sleep(0);
            waitForTask.Cancel();
            await loop.Wait([waitForTask]);

            Assert.True(t.Exited);
            Assert.Equal(0.2, loop.Time());
        });
    }

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_asyncio_wait_for_timeout
    [Fact]
    public void WaitFor_TimeoutWhileCoroutineIgnoresCancel_CoroutineRunsToEnd()
    {
        var loop = NewLoop();
        var t = new SlowTask(loop);

        loop.RunUntilComplete(async () =>
        {
            try
            {
                await loop.WaitFor(() => t.Run(), SlowTask.TaskTimeout / 2);
            }
            catch (TimeoutException)
            {
            }

            Assert.True(t.Exited);
            Assert.Equal(0.2, loop.Time());
        });
    }

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_timeout_less_then_0_or_0_future_done
    [Fact]
    public void WaitFor_ZeroTimeoutOnDoneFuture_ReturnsResult()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            var fut = loop.CreateFuture<string>();
            fut.SetResult("done");

            var ret = await loop.WaitFor(fut, 0);

            Assert.Equal("done", ret);
            Assert.True(fut.Done);
        });
    }

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
    [Fact]
    public void WaitFor_ZeroTimeoutOnCoroutine_TimesOutWithoutStartingIt()
    {
        var loop = NewLoop();
        bool fooStarted = false;

        async Task Foo()
        {
            fooStarted = true;
            await Task.CompletedTask;
        }

        loop.RunUntilComplete(async () =>
        {
            await Raises<TimeoutException>(() => loop.WaitFor(Foo, 0));

            Assert.False(fooStarted);
            Assert.Equal(0.0, loop.Time());
        });
    }

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_timeout_less_then_0_or_0
    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    public void WaitFor_ZeroOrNegativeTimeoutOnRunningTask_CancelsItAndTimesOut(double timeout)
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            bool? fooRunning = null;
            var started = loop.CreateFuture<object?>();

            async Task<string> Foo()
            {
                fooRunning = true;
                started.SetResult(null);
                try
                {
                    await loop.Sleep(10);
                }
                finally
                {
                    fooRunning = false;
                }
                return "done";
            }

            var fut = loop.CreateTask(Foo);
            await started;

            await Raises<TimeoutException>(() => loop.WaitFor(fut, timeout));

            Assert.True(fut.Done);
            // it should have been cancelled due to the timeout
            Assert.True(fut.Cancelled);
            Assert.False(fooRunning);
            Assert.Equal(0.0, loop.Time());
        });
    }

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_wait_for
    [Fact]
    public void WaitFor_TaskOutlivesTimeout_TaskCancelledAndTimeoutThrown()
    {
        var loop = NewLoop();
        bool? fooRunning = null;

        async Task<string> Foo()
        {
            fooRunning = true;
            try
            {
                await loop.Sleep(300); // support.LONG_TIMEOUT
            }
            finally
            {
                fooRunning = false;
            }
            return "done";
        }

        loop.RunUntilComplete(async () =>
        {
            var fut = loop.CreateTask(Foo);

            await Raises<TimeoutException>(() => loop.WaitFor(fut, 0.1));

            Assert.True(fut.Done);
            // it should have been cancelled due to the timeout
            Assert.True(fut.Cancelled);
            Assert.False(fooRunning);
            Assert.Equal(0.1, loop.Time());
        });
    }

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_blocking
    [Fact]
    public void WaitFor_NoTimeout_ReturnsCoroutineResult()
    {
        var loop = NewLoop();

        var res = loop.RunUntilComplete(async () =>
            await loop.WaitFor(async () => { await Task.CompletedTask; return "done"; }, timeout: null));

        Assert.Equal("done", res);
    }

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_race_condition
    [Fact]
    public void WaitFor_FutureCompletedNextIteration_ReturnsItsResult()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            var fut = loop.CreateFuture<string>();
            // Python builds the coroutine object first and starts it at the await.
            Func<Task<string>> task = () => loop.WaitFor(fut, timeout: 0.2);
            loop.CallSoon(() => fut.SetResult("ok"));

            var res = await task();

            Assert.Equal("ok", res);
            Assert.Equal(0.0, loop.Time());
        });
    }

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_cancellation_race_condition
    [Fact]
    public void WaitFor_CoroutineSwallowsTimeoutCancel_ReturnsItsResult()
    {
        var loop = NewLoop();

        async Task<int> Inner()
        {
            await Raises<CancelledError>(async () => await loop.Sleep(1));
            return 1;
        }

        var result = loop.RunUntilComplete(async () => await loop.WaitFor(Inner, timeout: .01));

        Assert.Equal(1, result);
        Assert.Equal(0.01, loop.Time());
    }

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_waits_for_task_cancellation
    [Fact]
    public void WaitFor_TaskSlowToCancel_WaitsForItThenThrowsTimeoutChainedToCancel()
    {
        var loop = NewLoop();
        bool taskDone = false;

        async Task Inner()
        {
            try
            {
                await loop.Sleep(10);
            }
            catch (CancelledError)
            {
                await loop.Sleep(Epsilon);
                throw;
            }
            finally
            {
                taskDone = true;
            }
        }

        loop.RunUntilComplete(async () =>
        {
            var innerTask = loop.CreateTask(Inner);

            var cm = await Raises<TimeoutException>(() => loop.WaitFor(innerTask, timeout: Epsilon));

            Assert.True(taskDone);
            Assert.IsType<CancelledError>(cm.InnerException);
            Assert.Equal(2 * Epsilon, loop.Time());
        });
    }

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_waits_for_task_cancellation_w_timeout_0
    [Fact]
    public void WaitFor_ZeroTimeoutOnTaskSlowToCancel_WaitsForItThenThrowsTimeoutChainedToCancel()
    {
        var loop = NewLoop();
        bool taskDone = false;

        async Task Foo()
        {
            async Task Inner()
            {
                try
                {
                    await loop.Sleep(10);
                }
                catch (CancelledError)
                {
                    await loop.Sleep(Epsilon);
                    throw;
                }
                finally
                {
                    taskDone = true;
                }
            }

            var innerTask = loop.CreateTask(Inner);
            await loop.Sleep(Epsilon);
            await loop.WaitFor(innerTask, timeout: 0);
        }

        loop.RunUntilComplete(async () =>
        {
            var cm = await Raises<TimeoutException>(Foo);

            Assert.True(taskDone);
            Assert.IsType<CancelledError>(cm.InnerException);
            Assert.Equal(2 * Epsilon, loop.Time());
        });
    }

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_reraises_exception_during_cancellation
    [Fact]
    public void WaitFor_TaskRaisesWhileBeingCancelled_ThatExceptionPropagates()
    {
        var loop = NewLoop();

        async Task Foo()
        {
            async Task Inner()
            {
                try
                {
                    await loop.Sleep(0.2);
                }
                finally
                {
                    throw new FooException();
                }
            }

            var innerTask = loop.CreateTask(Inner);

            await loop.WaitFor(innerTask, timeout: Epsilon);
        }

        loop.RunUntilComplete(async () =>
        {
            await Raises<FooException>(Foo);
            Assert.Equal(Epsilon, loop.Time());
        });
    }

    private void CancelWaitFor(double? timeout)
    {
        var loop = NewLoop();

        async Task BlockingCoroutine()
        {
            var fut = loop.CreateFuture<object?>();
            // Block: fut result is never set
            await fut;
        }

        loop.RunUntilComplete(async () =>
        {
            var task = loop.CreateTask(BlockingCoroutine);

            var wait = loop.CreateTask(() => loop.WaitFor(task, timeout));
            loop.CallSoon(() => wait.Cancel());

            await Raises<CancelledError>(async () => await wait);

            // CPython's wait_for: cancelling the wait must also cancel the task
            Assert.True(task.Cancelled);
            Assert.Equal(0.0, loop.Time());
        });
    }

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_cancel_blocking_wait_for
    [Fact]
    public void WaitFor_NoTimeoutWaiterCancelled_CancelsTheTask() => CancelWaitFor(null);

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_cancel_wait_for
    [Fact]
    public void WaitFor_WithTimeoutWaiterCancelled_CancelsTheTask() => CancelWaitFor(60.0);

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_cancel_suppressed
    [Fact]
    public void WaitFor_CoroutineSuppressesCancelAndReturns_ReturnsThatValue()
    {
        var loop = NewLoop();

        async Task<int> Return42()
        {
            try
            {
                await loop.Sleep(10);
            }
            catch (CancelledError)
            {
                return 42;
            }
            return 0;
        }

        var res = loop.RunUntilComplete(async () => await loop.WaitFor(Return42, timeout: 0.1));

        Assert.Equal(42, res);
        Assert.Equal(0.1, loop.Time());
    }

    // cpython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_issue86296
    [Fact]
    public void WaitFor_TaskDoneInOneCycleThenOuterCancelled_OuterStopsBeforeTheEnd()
    {
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            var innerTask = loop.CreateTask(async () => { await Task.CompletedTask; return "done"; });
            bool reachedEnd = false;

            async Task WaitForCoro()
            {
                await loop.WaitFor(innerTask, timeout: 100);
                await loop.Sleep(1);
                reachedEnd = true;
            }

            var task = loop.CreateTask(WaitForCoro);
            Assert.False(task.Done);
            // Run the task
            await loop.Sleep(0);
            task.Cancel();
            await Raises<CancelledError>(async () => await task);
            Assert.True(innerTask.Done);
            Assert.Equal("done", await innerTask);
            Assert.False(reachedEnd);
            Assert.Equal(0.0, loop.Time());
        });
    }

    // ---- WaitForShieldTests -----------------------------------------------------------------

    // cpython: test_waitfor.py::WaitForShieldTests::test_zero_timeout
    [Fact]
    public void WaitFor_ZeroTimeoutOnShield_CancelsShieldOnlyTaskKeepsRunning()
    {
        var loop = NewLoop();

        async Task<string> Coro()
        {
            await loop.Sleep(0.01);
            return "done";
        }

        loop.RunUntilComplete(async () =>
        {
            var task = loop.CreateTask(Coro);
            Future<string> shieldedTask = null!;
            await Raises<TimeoutException>(() =>
            {
                shieldedTask = loop.Shield(task);
                return loop.WaitFor(shieldedTask, timeout: 0);
            });

            // Task is running in background
            Assert.False(task.Done);
            Assert.False(task.Cancelled);
            Assert.True(shieldedTask.Cancelled);

            // Wait for the task to complete
            await loop.Sleep(0.1);
            Assert.True(task.Done);
            Assert.Equal(0.1, loop.Time());
        });
    }

    // cpython: test_waitfor.py::WaitForShieldTests::test_none_timeout
    [Fact]
    public void WaitFor_NoTimeoutOnShield_RunsToCompletion()
    {
        var loop = NewLoop();

        async Task<string> Coro()
        {
            await loop.Sleep(0.1);
            return "done";
        }

        loop.RunUntilComplete(async () =>
        {
            var task = loop.CreateTask(Coro);
            await loop.WaitFor(loop.Shield(task), timeout: null);

            Assert.True(task.Done);
            Assert.Equal("done", await task);
            Assert.Equal(0.1, loop.Time());
        });
    }

    // cpython: test_waitfor.py::WaitForShieldTests::test_shielded_timeout
    [Fact]
    public void WaitFor_TimeoutOnShield_TaskNotCancelled()
    {
        var loop = NewLoop();

        async Task<string> Coro()
        {
            await loop.Sleep(0.1);
            return "done";
        }

        loop.RunUntilComplete(async () =>
        {
            var task = loop.CreateTask(Coro);
            await Raises<TimeoutException>(() => loop.WaitFor(loop.Shield(task), timeout: 0.01));
            Assert.Equal(0.01, loop.Time());

            Assert.False(task.Done);
            Assert.False(task.Cancelled);
            Assert.Equal("done", await task);
            Assert.Equal(0.1, loop.Time());
        });
    }
}
