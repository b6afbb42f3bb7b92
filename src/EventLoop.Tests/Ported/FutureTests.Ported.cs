namespace Asyncio.Tests.Ported;

/// <summary>Cases ported from CPython 3.12's <c>Lib/test/test_asyncio/test_futures.py</c>.</summary>
/// <remarks>
/// <c>test_utils.run_briefly(loop)</c> is <see cref="RunBriefly"/>: a task of an empty coroutine run
/// to completion, which is two iterations, as in CPython.
/// </remarks>
public class PortedFutureTests : LoopTest
{
    /// <summary>asyncio's <c>test_utils.run_briefly</c>: run an empty task to completion (two iterations).</summary>
    private static void RunBriefly(EventLoop loop) => loop.RunUntilComplete(static () => Task.CompletedTask);

    private static Action<Future> MakeCallback(List<int> bag, int thing) => _ => bag.Add(thing);

    // ---- BaseFutureTests ---------------------------------------------------------------------

    // cpython: test_futures.py::BaseFutureTests::test_initial_state
    [Fact]
    public void Cancel_NewFuture_IsPendingThenCancelled()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        Assert.False(f.Cancelled);
        Assert.False(f.Done);
        Assert.Equal(FutureState.Pending, f.State);

        f.Cancel();

        Assert.True(f.Cancelled);
        Assert.Equal(FutureState.Cancelled, f.State);
    }

    // cpython: test_futures.py::BaseFutureTests::test_constructor_without_loop
    [Fact]
    public void Constructor_WithoutRunningLoop_Throws()
    {
        // differs from asyncio: 3.12's Future() falls back to the policy's current loop and says
        // "There is no current event loop"; the C# runtime has no global loop, only the running one.
        var error = Assert.Throws<InvalidOperationException>(() => new Future<int>());
        Assert.Equal("no running event loop", error.Message);
    }

    // cpython: test_futures.py::BaseFutureTests::test_constructor_use_running_loop
    [Fact]
    public void Constructor_InsideRunningLoop_UsesThatLoop()
    {
        var loop = NewLoop();

        var f = loop.RunUntilComplete(async () =>
        {
            await Task.CompletedTask;
            return new Future<int>();
        });

        Assert.Same(loop, f.Loop);
        Assert.False(f.Done);
    }

    // cpython: test_futures.py::BaseFutureTests::test_future_cancel_message_getter
    [Fact]
    public void Cancel_WithMessage_AwaiterSeesMessage()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();

        Assert.True(f.Cancel("my message"));

        var error = Assert.Throws<CancelledError>(() => loop.RunUntilComplete(f));
        Assert.Equal("my message", error.CancelMessage);
    }

    // cpython: test_futures.py::BaseFutureTests::test_cancel
    [Fact]
    public void Cancel_PendingFuture_ResultAndExceptionThrowAndSettersRefuse()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<object?>();

        Assert.True(f.Cancel());

        Assert.True(f.Cancelled);
        Assert.True(f.Done);
        Assert.Throws<CancelledError>(() => f.Result());
        Assert.Throws<CancelledError>(() => f.Exception());
        var e1 = Assert.Throws<InvalidStateError>(() => f.SetResult(null));
        Assert.StartsWith("invalid state", e1.Message);
        var e2 = Assert.Throws<InvalidStateError>(() => f.SetException(new InvalidOperationException()));
        Assert.StartsWith("invalid state", e2.Message);
        Assert.False(f.Cancel());
    }

    // cpython: test_futures.py::BaseFutureTests::test_result
    [Fact]
    public void SetResult_Pending_ResultReturnedAndFutureFrozen()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        var pending = Assert.Throws<InvalidStateError>(() => f.Result());
        Assert.Equal("Result is not set.", pending.Message);

        f.SetResult(42);

        Assert.False(f.Cancelled);
        Assert.True(f.Done);
        Assert.Equal(42, f.Result());
        Assert.Null(f.Exception());
        var e1 = Assert.Throws<InvalidStateError>(() => f.SetResult(0));
        Assert.StartsWith("invalid state", e1.Message);
        var e2 = Assert.Throws<InvalidStateError>(() => f.SetException(new InvalidOperationException()));
        Assert.StartsWith("invalid state", e2.Message);
        Assert.False(f.Cancel());
        Assert.Equal(42, f.Result());
    }

    // cpython: test_futures.py::BaseFutureTests::test_exception
    [Fact]
    public void SetException_Pending_ResultRethrowsAndFutureFrozen()
    {
        // (The StopIteration case has no C# twin and is left out.)
        var loop = NewLoop();
        var exc = new InvalidOperationException();
        var f = loop.CreateFuture<int>();
        var pending = Assert.Throws<InvalidStateError>(() => f.Exception());
        Assert.Equal("Exception is not set.", pending.Message);

        f.SetException(exc);

        Assert.False(f.Cancelled);
        Assert.True(f.Done);
        Assert.Same(exc, Assert.Throws<InvalidOperationException>(() => f.Result()));
        Assert.Same(exc, f.Exception());
        var e1 = Assert.Throws<InvalidStateError>(() => f.SetResult(0));
        Assert.StartsWith("invalid state", e1.Message);
        var e2 = Assert.Throws<InvalidStateError>(() => f.SetException(new InvalidOperationException()));
        Assert.StartsWith("invalid state", e2.Message);
        Assert.False(f.Cancel());
    }

    // cpython: test_futures.py::BaseFutureTests::test_yield_from_twice
    [Fact]
    public void Await_DoneFutureTwice_SecondAwaitDoesNotSuspend()
    {
        // The generator of the original becomes a task; the second await of the done Future
        // must not suspend, so 'B' and 'C' are logged in the same step.
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        var log = new List<string>();
        async Task Fixture()
        {
            log.Add("A");
            int x = await f;
            log.Add($"B {x}");
            int y = await f;
            log.Add($"C {y}");
        }
        var t = loop.CreateTask(Fixture);
        RunOnce(loop);
        Assert.Equal(["A"], log);
        Assert.Same(f, t.WaitingOn);

        f.SetResult(42);
        RunOnce(loop);

        Assert.Equal(["A", "B 42", "C 42"], log);
        Assert.True(t.Done);
    }

    // cpython: test_futures.py::BaseFutureTests::test_tb_logger_abandoned
    [Fact]
    public void Close_AbandonedPendingFuture_ReportsNothing()
    {
        var loop = NewLoop();
        _ = loop.CreateFuture<int>();

        loop.Close();

        Assert.Empty(TakeReports());
    }

    // cpython: test_futures.py::BaseFutureTests::test_tb_logger_not_called_after_cancel
    [Fact]
    public void Cancel_AfterSetException_ReturnsFalseAndSilencesReport()
    {
        var loop = NewLoop();
        var fut = loop.CreateFuture<int>();
        fut.SetException(new Exception());

        Assert.False(fut.Cancel());
        loop.Close();

        Assert.Empty(TakeReports());
    }

    // cpython: test_futures.py::BaseFutureTests::test_tb_logger_result_unretrieved
    [Fact]
    public void Close_ResultNeverRetrieved_ReportsNothing()
    {
        var loop = NewLoop();
        var fut = loop.CreateFuture<int>();
        fut.SetResult(42);

        loop.Close();

        Assert.Empty(TakeReports());
    }

    // cpython: test_futures.py::BaseFutureTests::test_tb_logger_result_retrieved
    [Fact]
    public void Close_ResultRetrieved_ReportsNothing()
    {
        var loop = NewLoop();
        var fut = loop.CreateFuture<int>();
        fut.SetResult(42);
        Assert.Equal(42, fut.Result());

        loop.Close();

        Assert.Empty(TakeReports());
    }

    // cpython: test_futures.py::BaseFutureTests::test_tb_logger_exception_unretrieved
    [Fact]
    public void Close_ExceptionNeverRetrieved_ReportsIt()
    {
        // differs from asyncio: reported at Close (docs/design.md "Faults, bad input and resources"),
        // not when the garbage collector finalizes the Future.
        var loop = NewLoop();
        var exc = new InvalidOperationException("boom");
        var fut = loop.CreateFuture<int>();
        fut.SetException(exc);
        RunBriefly(loop);

        loop.Close();

        var report = Assert.Single(TakeReports());
        Assert.Equal("Future exception was never retrieved", report.Message);
        Assert.Same(exc, report.Exception);
        Assert.Same(fut, report.Future);
    }

    // cpython: test_futures.py::BaseFutureTests::test_tb_logger_exception_retrieved
    [Fact]
    public void Close_ExceptionRetrievedWithException_ReportsNothing()
    {
        var loop = NewLoop();
        var fut = loop.CreateFuture<int>();
        fut.SetException(new InvalidOperationException("boom"));
        Assert.NotNull(fut.Exception());

        loop.Close();

        Assert.Empty(TakeReports());
    }

    // cpython: test_futures.py::BaseFutureTests::test_tb_logger_exception_result_retrieved
    [Fact]
    public void Close_ExceptionRetrievedWithResult_ReportsNothing()
    {
        var loop = NewLoop();
        var fut = loop.CreateFuture<int>();
        fut.SetException(new InvalidOperationException("boom"));
        Assert.Throws<InvalidOperationException>(() => fut.Result());

        loop.Close();

        Assert.Empty(TakeReports());
    }

    // cpython: test_futures.py::BaseFutureTests::test_future_exception_never_retrieved
    [Fact]
    public void Close_ExceptionNeverRetrievedAfterIteration_ReportedOnce()
    {
        // differs from asyncio: reported at Close, not by the garbage collector.
        var loop = NewLoop();
        var exc = new OutOfMemoryException(); // CPython uses MemoryError
        var future = loop.CreateFuture<int>();
        future.SetException(exc);
        RunBriefly(loop);

        loop.Close();
        loop.Close(); // idempotent: still one report

        var report = Assert.Single(TakeReports());
        Assert.Equal("Future exception was never retrieved", report.Message);
        Assert.Same(exc, report.Exception);
    }

    // ---- BaseFutureDoneCallbackTests -----------------------------------------------------------

    // cpython: test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_remove_first_callback
    [Fact]
    public void RemoveDoneCallback_First_OthersRunInOrder()
    {
        var loop = NewLoop();
        var bag = new List<int>();
        var f = loop.CreateFuture<string>();
        var cb1 = MakeCallback(bag, 42);
        var cb2 = MakeCallback(bag, 17);
        var cb3 = MakeCallback(bag, 100);
        f.AddDoneCallback(cb1);
        f.AddDoneCallback(cb2);
        f.AddDoneCallback(cb3);

        f.RemoveDoneCallback(cb1);
        f.RemoveDoneCallback(cb1);

        Assert.Empty(bag);
        f.SetResult("foo");
        RunBriefly(loop);
        Assert.Equal([17, 100], bag);
        Assert.Equal("foo", f.Result());
    }

    // cpython: test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_remove_first_and_second_callback
    [Fact]
    public void RemoveDoneCallback_FirstAndSecond_ThirdRuns()
    {
        var loop = NewLoop();
        var bag = new List<int>();
        var f = loop.CreateFuture<string>();
        var cb1 = MakeCallback(bag, 42);
        var cb2 = MakeCallback(bag, 17);
        var cb3 = MakeCallback(bag, 100);
        f.AddDoneCallback(cb1);
        f.AddDoneCallback(cb2);
        f.AddDoneCallback(cb3);

        f.RemoveDoneCallback(cb1);
        f.RemoveDoneCallback(cb2);
        f.RemoveDoneCallback(cb1);

        Assert.Empty(bag);
        f.SetResult("foo");
        RunBriefly(loop);
        Assert.Equal([100], bag);
        Assert.Equal("foo", f.Result());
    }

    // cpython: test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_remove_third_callback
    [Fact]
    public void RemoveDoneCallback_Third_FirstTwoRunInOrder()
    {
        var loop = NewLoop();
        var bag = new List<int>();
        var f = loop.CreateFuture<string>();
        var cb1 = MakeCallback(bag, 42);
        var cb2 = MakeCallback(bag, 17);
        var cb3 = MakeCallback(bag, 100);
        f.AddDoneCallback(cb1);
        f.AddDoneCallback(cb2);
        f.AddDoneCallback(cb3);

        f.RemoveDoneCallback(cb3);
        f.RemoveDoneCallback(cb3);

        Assert.Empty(bag);
        f.SetResult("foo");
        RunBriefly(loop);
        Assert.Equal([42, 17], bag);
        Assert.Equal("foo", f.Result());
    }

    // cpython: test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_invoked_on_set_result
    [Fact]
    public void SetResult_WithCallbacks_RunInOrderOnLaterIteration()
    {
        var loop = NewLoop();
        var bag = new List<int>();
        var f = loop.CreateFuture<string>();
        f.AddDoneCallback(MakeCallback(bag, 42));
        f.AddDoneCallback(MakeCallback(bag, 17));

        Assert.Empty(bag);
        f.SetResult("foo");
        Assert.Empty(bag); // scheduled, never inline

        RunBriefly(loop);
        Assert.Equal([42, 17], bag);
        Assert.Equal("foo", f.Result());
    }

    // cpython: test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_invoked_on_set_exception
    [Fact]
    public void SetException_WithCallback_RunsOnLaterIteration()
    {
        var loop = NewLoop();
        var bag = new List<int>();
        var f = loop.CreateFuture<string>();
        f.AddDoneCallback(MakeCallback(bag, 100));

        Assert.Empty(bag);
        var exc = new InvalidOperationException();
        f.SetException(exc);
        Assert.Empty(bag); // scheduled, never inline

        RunBriefly(loop);
        Assert.Equal([100], bag);
        Assert.Same(exc, f.Exception());
    }

    // cpython: test_futures.py::BaseFutureDoneCallbackTests::test_remove_done_callback
    [Fact]
    public void RemoveDoneCallback_Repeated_ReturnsCountOfRemoved()
    {
        var loop = NewLoop();
        var bag = new List<int>();
        var f = loop.CreateFuture<string>();
        var cb1 = MakeCallback(bag, 1);
        var cb2 = MakeCallback(bag, 2);
        var cb3 = MakeCallback(bag, 3);

        f.AddDoneCallback(cb1);
        f.AddDoneCallback(cb2);
        Assert.Equal(1, f.RemoveDoneCallback(cb2));
        Assert.Equal(0, f.RemoveDoneCallback(cb3));

        f.AddDoneCallback(cb2);
        for (int i = 0; i < 5; i++)
            f.AddDoneCallback(cb1);
        Assert.Equal(6, f.RemoveDoneCallback(cb1));

        Assert.Empty(bag);
        f.SetResult("foo");
        RunBriefly(loop);
        Assert.Equal([2], bag);
        Assert.Equal("foo", f.Result());
    }

    // cpython: test_futures.py::BaseFutureDoneCallbackTests::test_schedule_callbacks_list_mutation_1
    [Fact]
    public void RemoveDoneCallback_FromRunningCallback_AlreadyScheduledStillRun()
    {
        // Removing callbacks after they were scheduled changes nothing: all three run.
        var loop = NewLoop();
        var log = new List<string>();
        Action<Future> str = _ => log.Add("str");
        var fut = loop.CreateFuture<int>();
        fut.AddDoneCallback(f =>
        {
            log.Add("mut");
            Assert.Equal(0, f.RemoveDoneCallback(str));
        });
        fut.AddDoneCallback(str);
        fut.AddDoneCallback(str);

        fut.SetResult(1);
        RunBriefly(loop);

        Assert.Equal(["mut", "str", "str"], log);
    }
}
