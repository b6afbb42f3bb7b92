namespace Asyncio.Tests.Ported;

/// <summary>Cases ported from CPython 3.12's <c>Lib/test/test_asyncio/test_base_events.py</c>.</summary>
/// <remarks>
/// <para>CPython drives a <c>BaseEventLoop</c> with a mocked selector and calls <c>_run_once()</c>;
/// here a loop on the virtual clock runs one iteration with <see cref="LoopTest.RunOnce"/>, and
/// <c>loop._ready</c> / <c>loop._scheduled</c> are the internal <c>ReadyCount</c> / <c>TimerCount</c>.
/// <c>test_utils.run_briefly(loop)</c> is <see cref="RunBriefly"/>.</para>
/// <para>Not ported: sockets, executors, debug mode, slow callbacks, signals, subprocesses, task
/// factories, async generators; <c>test__run_once_cancelled_event_cleanup</c> (this heap compacts
/// when a timer is cancelled, not at the next iteration, so CPython's intermediate counts do not
/// apply); <c>test_set_exc_handler_broken</c> and <c>test_default_exc_handler_broken</c> (they assert
/// on the logger; the default handler writes to the process-wide standard error);
/// <c>test_run_forever_keyboard_interrupt</c> and <c>test_run_until_complete_loop_orphan_future_close_loop</c>
/// (BaseException escaping the loop has no C# twin); <c>test_run_until_complete_type_error</c>,
/// <c>test_set_exc_handler_invalid</c>, <c>test_call_coroutine</c> (the types forbid them);
/// <c>test_check_thread</c> (a loop on virtual time that waits only on another thread is a deadlock).</para>
/// </remarks>
public class PortedBaseEventsTests : LoopTest
{
    /// <summary>asyncio's <c>test_utils.run_briefly</c>: run an empty task to completion (two iterations).</summary>
    private static void RunBriefly(EventLoop loop) => loop.RunUntilComplete(static () => Task.CompletedTask);

    private static void ZeroError(Future<bool> fut)
    {
        fut.SetResult(true);
        int zero = 0;
        _ = 1 / zero;
    }

    private static void ZeroErrorNoArgs()
    {
        int zero = 0;
        _ = 1 / zero;
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test_close
    [Fact]
    public void Close_Twice_IsClosedAndRunningRefused()
    {
        var loop = NewLoop();
        Assert.False(loop.IsClosed);
        loop.Close();
        Assert.True(loop.IsClosed);

        // it should be possible to call close() more than once
        loop.Close();
        loop.Close();

        // operation blocked when the loop is closed
        var f = loop.CreateFuture<object?>(); // as in asyncio: making a Future schedules nothing
        Assert.False(f.Done);
        Assert.Equal("Event loop is closed", Assert.Throws<InvalidOperationException>(loop.RunForever).Message);
        Assert.Equal("Event loop is closed", Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(f)).Message);
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test_call_soon
    [Fact]
    public void CallSoon_Callback_HandleQueuedInReady()
    {
        var loop = NewLoop();
        int calls = 0;

        var h = loop.CallSoon(() => calls++);

        Assert.IsType<Handle>(h);
        Assert.False(h.Cancelled);
        Assert.Equal(1, loop.ReadyCount);
        Assert.Equal(0, loop.TimerCount);
        Assert.Equal(0, calls);
        RunOnce(loop);
        Assert.Equal(1, calls);
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test_call_soon_non_callable
    [Fact]
    public void CallSoon_Null_Throws()
    {
        // differs from asyncio: a non-callable is a TypeError in debug mode; the C# types allow only
        // a null, which is refused always (docs/design.md, "Faults, bad input and resources": a null callback is an ArgumentNullException).
        var loop = NewLoop();
        Assert.Throws<ArgumentNullException>(() => loop.CallSoon(null!));
        Assert.Equal(0, loop.ReadyCount);
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test_call_later
    [Fact]
    public void CallLater_Delay_TimerHandleScheduledNotReady()
    {
        var loop = NewLoop();

        var h = loop.CallLater(10.0, () => { });

        Assert.IsType<TimerHandle>(h);
        Assert.Equal(10.0, h.When);
        Assert.Equal(1, loop.TimerCount);
        Assert.Equal(0, loop.ReadyCount);
        // differs from asyncio: "delay must not be None" cannot be written in C#; the invalid
        // double is NaN (docs/design.md, "Faults, bad input and resources": a NaN delay is an ArgumentOutOfRangeException).
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.CallLater(double.NaN, () => { }));
        Assert.Equal(1, loop.TimerCount);
        h.Cancel();
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test_call_later_negative_delays
    [Fact]
    public void CallLater_NegativeDelays_RunAtOnceEarliestDeadlineFirst()
    {
        var loop = NewLoop();
        var calls = new List<string>();

        loop.CallLater(-1, calls.Add, "a");
        loop.CallLater(-2, calls.Add, "b");
        RunBriefly(loop);

        Assert.Equal(["b", "a"], calls);
        Assert.Equal(0.0, loop.Time());
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test_time_and_call_at
    [Fact]
    public void CallAt_Deadline_RunsNoEarlier()
    {
        var loop = NewLoop();
        const double delay = 0.100;

        double when = loop.Time() + delay;
        loop.CallAt(when, loop.Stop);
        double t0 = loop.Time();
        loop.RunForever();
        double dt = loop.Time() - t0;

        Assert.Equal(delay, dt);
        // differs from asyncio: "when cannot be None" cannot be written in C#; the invalid double is NaN.
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.CallAt(double.NaN, loop.Stop));
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test__run_once
    [Fact]
    public void RunOnce_CancelledTimerAtHead_DroppedAndLoopWaitsForNextTimer()
    {
        var loop = NewLoop();
        var log = new List<double>();
        var h1 = loop.CallLater(5.0, () => log.Add(loop.Time()));
        var h2 = loop.CallLater(10.0, () => { log.Add(loop.Time()); loop.Stop(); });

        h1.Cancel();
        RunOnce(loop);

        // asyncio: loop._scheduled == [h2] after one iteration.
        Assert.Equal(1, loop.TimerCount);
        Assert.False(h2.Cancelled);
        Assert.Equal(0.0, loop.Time());

        // asyncio: the selector was asked to wait about 10 s, not 5.
        loop.RunForever();
        Assert.Equal([10.0], log);
        Assert.Equal(10.0, loop.Time());
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test__run_once_schedule_handle
    [Fact]
    public void RunOnce_DueTimerSchedulesCallSoon_NewHandleWaitsForNextIteration()
    {
        var loop = NewLoop();
        Handle? handle = null;
        bool processed = false;
        bool handleRan = false;

        loop.CallAt(loop.Time() - 1, () =>
        {
            processed = true;
            handle = loop.CallSoon(() => handleRan = true);
        });
        RunOnce(loop);

        Assert.True(processed);
        Assert.NotNull(handle);
        Assert.False(handleRan);
        Assert.Equal(1, loop.ReadyCount);
        RunOnce(loop);
        Assert.True(handleRan);
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test_run_until_complete_loop
    [Fact]
    public void RunUntilComplete_FutureOfOtherLoop_Throws()
    {
        var loop = NewLoop();
        var task = loop.CreateFuture<object?>();
        var otherLoop = NewLoop();

        Assert.Throws<ArgumentException>(() => otherLoop.RunUntilComplete(task));
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test_default_exc_handler_callback
    [Fact]
    public void ExceptionHandler_CallbackThrows_ReportedWithCallbackAndException()
    {
        var loop = NewLoop();

        // Test call_soon (events.Handle)
        var fut = loop.CreateFuture<bool>();
        var h = loop.CallSoon(ZeroError, fut);
        fut.AddDoneCallback(_ => loop.Stop());
        loop.RunForever();
        var report = Assert.Single(TakeReports());
        Assert.Matches("^Exception in callback .*ZeroError", report.Message);
        Assert.IsType<DivideByZeroException>(report.Exception);
        Assert.Same(h, report.Handle);

        // Test call_later (events.TimerHandle)
        fut = loop.CreateFuture<bool>();
        var th = loop.CallLater(0.01, ZeroError, fut);
        fut.AddDoneCallback(_ => loop.Stop());
        loop.RunForever();
        report = Assert.Single(TakeReports());
        Assert.Matches("^Exception in callback .*ZeroError", report.Message);
        Assert.IsType<DivideByZeroException>(report.Exception);
        Assert.Same(th, report.Handle);
        Assert.Equal(0.01, loop.Time());
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test_default_exc_handler_coro
    [Fact]
    public void ExceptionHandler_TaskExceptionNeverRetrieved_ReportedAtClose()
    {
        var loop = NewLoop();

        async Task ZeroErrorCoro()
        {
            await loop.Sleep(0.01);
            int zero = 0;
            _ = 1 / zero;
        }

        var fut = loop.EnsureFuture(ZeroErrorCoro);
        fut.AddDoneCallback(_ => loop.Stop());
        loop.RunForever();
        Assert.Empty(TakeReports());

        // differs from asyncio: reported at Close, not when the garbage collector finds the task (README).
        loop.Close();
        var report = Assert.Single(TakeReports());
        Assert.Matches(".*exception was never retrieved", report.Message);
        Assert.Equal("Task exception was never retrieved", report.Message);
        Assert.IsType<DivideByZeroException>(report.Exception);
        Assert.Same(fut, report.Future);
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test_set_exc_handler_custom
    [Fact]
    public void SetExceptionHandler_Custom_GetsContextThenNullRestoresDefault()
    {
        var loop = NewLoop();
        var recording = loop.GetExceptionHandler();
        Handle RunLoop()
        {
            var handle = loop.CallSoon(ZeroErrorNoArgs);
            RunOnce(loop);
            return handle;
        }

        loop.SetExceptionHandler(null);
        Assert.Null(loop.GetExceptionHandler());
        var calls = new List<(EventLoop Loop, ExceptionContext Context)>();
        Action<EventLoop, ExceptionContext> mockHandler = (l, c) => calls.Add((l, c));
        loop.SetExceptionHandler(mockHandler);
        Assert.Same(mockHandler, loop.GetExceptionHandler());
        var handle = RunLoop();
        var (calledLoop, context) = Assert.Single(calls);
        Assert.Same(loop, calledLoop);
        Assert.Equal(["message", "exception", "handle"], context.Keys);
        Assert.Matches("^Exception in callback .*ZeroErrorNoArgs", context.Message);
        Assert.IsType<DivideByZeroException>(context.Exception);
        Assert.Same(handle, context.Handle);
        calls.Clear();

        // The default handler logs to standard error; the custom one is not called any more.
        loop.SetExceptionHandler(null);
        RunLoop();
        Assert.Empty(calls);

        loop.SetExceptionHandler(recording);
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test_run_until_complete_baseexception
    [Fact]
    public void RunUntilComplete_CoroutineThrows_NoStopLeftPending()
    {
        // differs from asyncio: KeyboardInterrupt (a BaseException) has no C# twin; an ordinary
        // exception tests the same thing, that no stop() is left behind for the next run.
        var loop = NewLoop();

        Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(async () =>
        {
            await Task.CompletedTask;
            throw new InvalidOperationException("interrupt");
        }));

        bool called = false;
        void Func()
        {
            loop.Stop();
            called = true;
        }
        loop.CallSoon(() => loop.CallSoon(Func));
        loop.RunForever();
        Assert.True(called);
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test_run_once
    [Fact]
    public void RunOnce_Idiom_RunsReadyCallbackOnce()
    {
        var loop = NewLoop();
        int count = 0;

        loop.CallSoon(() => count += 1);
        RunOnce(loop);

        Assert.Equal(1, count);
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test_run_forever_pre_stopped
    [Fact]
    public void RunForever_StoppedBefore_RunsOneIterationWithoutBlocking()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var timer = loop.CallLater(1.0, () => log.Add("timer"));
        loop.CallSoon(() => log.Add("soon"));

        loop.Stop();
        loop.RunForever();

        // asyncio: select was called once, with timeout 0.
        Assert.Equal(["soon"], log);
        Assert.Equal(0.0, loop.Time());
        timer.Cancel();
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test_create_named_task_with_default_factory
    [Fact]
    public void CreateTask_WithName_HasThatName()
    {
        var loop = NewLoop();

        var task = loop.CreateTask(() => Task.CompletedTask, name: "test_task");
        try
        {
            Assert.Equal("test_task", task.Name);
        }
        finally
        {
            loop.RunUntilComplete(task);
        }
    }

    // cpython: test_base_events.py::BaseEventLoopTests::test_create_task_error_closes_coro
    [Fact]
    public void CreateTask_ClosedLoop_ThrowsWithoutCallingCoroutine()
    {
        var loop = NewLoop();
        loop.Close();
        bool called = false;

        var error = Assert.Throws<InvalidOperationException>(() => loop.EnsureFuture(() => { called = true; return Task.CompletedTask; }));

        Assert.Equal("Event loop is closed", error.Message);
        Assert.False(called);
    }

    // cpython: test_base_events.py::RunningLoopTests::test_running_loop_within_a_loop
    [Fact]
    public void RunForever_InsideAnotherRunningLoop_Throws()
    {
        var loop = NewLoop();
        var outerLoop = NewLoop();

        var error = Assert.Throws<InvalidOperationException>(() => outerLoop.RunUntilComplete(async () =>
        {
            await Task.CompletedTask;
            loop.RunForever();
        }));

        Assert.Contains("while another loop is running", error.Message);
    }
}
