using System.Runtime.InteropServices;

namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>Closing the loop, and an observer that throws: no caller waits forever, no task is dropped, no signal kills the process unannounced.</summary>
public class LifecycleTests : LoopTest
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static void AssertClosedFault(Task task)
    {
        Assert.True(((IAsyncResult)task).AsyncWaitHandle.WaitOne(Bound), "the caller's Task is still pending");
        var error = Assert.IsType<InvalidOperationException>(task.Exception!.InnerException);
        Assert.Equal("Event loop is closed", error.Message);
    }

    // ---- run_coroutine_threadsafe and Close ------------------------------------------------------

    [Fact]
    public void RunCoroutineThreadsafe_CloseBeforeTheLoopRanIt_TaskFaultsWithClosed()
    {
        var loop = NewLoop();
        bool ran = false;
        var submitted = loop.RunCoroutineThreadsafe(async () =>
        {
            ran = true;
            await loop.Sleep(0);
            return 1;
        });

        loop.Close();

        AssertClosedFault(submitted);
        Assert.False(ran);
    }

    [Fact]
    public void RunCoroutineThreadsafe_CancelledThenClosedBeforeItRan_TaskIsCanceled()
    {
        var loop = NewLoop();
        using var cancellation = new CancellationTokenSource();
        var submitted = loop.RunCoroutineThreadsafe(() => Task.FromResult(1), cancellation.Token);
        cancellation.Cancel();

        loop.Close();

        Assert.True(((IAsyncResult)submitted).AsyncWaitHandle.WaitOne(Bound));
        Assert.True(submitted.IsCanceled);
    }

    [Fact]
    public void RunCoroutineThreadsafe_TaskPendingAtClose_TaskFaultsWithClosed()
    {
        var loop = NewLoop();
        var submitted = loop.RunCoroutineThreadsafe(async () => await loop.Sleep(10));
        loop.RunUntilIdle(); // the task starts and sleeps

        loop.Close();

        AssertClosedFault(submitted);
        Assert.Equal(["Task was destroyed but it is pending!"], TakeReports().Select(r => r.Message));
    }

    [Fact]
    public async Task RunCoroutineThreadsafe_TaskDoneButItsCallbackDroppedAtClose_TaskGetsTheResult()
    {
        var loop = NewLoop();
        var submitted = loop.RunCoroutineThreadsafe(() => Task.FromResult(42));
        loop.RunOnce(TimeSpan.Zero); // iteration 1: the task is made
        loop.RunOnce(TimeSpan.Zero); // iteration 2: it finishes; copying its outcome is queued for iteration 3

        loop.Close();

        Assert.True(((IAsyncResult)submitted).AsyncWaitHandle.WaitOne(Bound));
        Assert.Equal(42, await submitted);
    }

    [Fact]
    public void RunCoroutineThreadsafe_TaskFailedButItsCallbackDroppedAtClose_TaskGetsTheErrorAndNothingIsReported()
    {
        var loop = NewLoop();
        var submitted = loop.RunCoroutineThreadsafe(() => Task.FromException<int>(new FormatException("bad")));
        loop.RunOnce(TimeSpan.Zero);
        loop.RunOnce(TimeSpan.Zero);

        loop.Close();

        Assert.True(((IAsyncResult)submitted).AsyncWaitHandle.WaitOne(Bound));
        Assert.Equal("bad", Assert.IsType<FormatException>(submitted.Exception!.InnerException).Message);
    }

    [Fact]
    public void RunCoroutineThreadsafe_AfterClose_ThrowsAtOnce()
    {
        var loop = NewLoop();
        loop.Close();

        var error = Assert.Throws<InvalidOperationException>(() => { _ = loop.RunCoroutineThreadsafe(() => Task.FromResult(1)); });
        Assert.Equal("Event loop is closed", error.Message);
    }

    /// <summary>Real threads: a submitter races with Close. Every call either throws "Event loop is closed" at once or returns a Task that ends.</summary>
    [Fact]
    public void RunCoroutineThreadsafe_RacingWithClose_EveryCallerLearnsTheOutcome()
    {
        for (int trial = 0; trial < 200; trial++)
        {
            var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
            var submitted = new List<Task<int>>();
            Exception? refusal = null;
            using var started = new ManualResetEventSlim();
            var submitter = new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        submitted.Add(loop.RunCoroutineThreadsafe(() => Task.FromResult(1)));
                        started.Set();
                    }
                }
                catch (InvalidOperationException exception)
                {
                    refusal = exception;
                }
            });
            submitter.Start();
            Assert.True(started.Wait(Bound));

            loop.Close();

            Assert.True(submitter.Join(Bound), "the submitter was never refused");
            Assert.Equal("Event loop is closed", refusal?.Message);
            foreach (var task in submitted)
                AssertClosedFault(task);
        }
    }

    /// <summary>Real threads: CallSoonThreadsafe racing with Close ends in "Event loop is closed", at once, never in a silent drop afterwards.</summary>
    [Fact]
    public void CallSoonThreadsafe_RacingWithClose_RefusedOnceClosed()
    {
        for (int trial = 0; trial < 200; trial++)
        {
            var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
            Exception? refusal = null;
            int accepted = 0;
            using var started = new ManualResetEventSlim();
            var poster = new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        loop.CallSoonThreadsafe(static () => { });
                        accepted++;
                        started.Set();
                    }
                }
                catch (InvalidOperationException exception)
                {
                    refusal = exception;
                }
            });
            poster.Start();
            Assert.True(started.Wait(Bound));

            loop.Close();

            Assert.True(poster.Join(Bound), "the poster was never refused");
            Assert.Equal("Event loop is closed", refusal?.Message);
            Assert.True(accepted > 0);
        }
    }

    // ---- a throwing observer -----------------------------------------------------------------

    private sealed class ThrowingObserver(string hook) : LoopObserver
    {
        public int Calls;

        private void Maybe(string name)
        {
            if (name != hook)
                return;
            Calls++;
            throw new InvalidOperationException("observer broke in " + name);
        }

        public override void TaskResumed(LoopTask task, Future? wokenBy) => Maybe(nameof(TaskResumed));

        public override void CallbackStarting(EventLoop loop, CallbackInfo callback) => Maybe(nameof(CallbackStarting));

        public override void TaskFinished(LoopTask task) => Maybe(nameof(TaskFinished));

        public override void TimerFired(TimerHandle timer) => Maybe(nameof(TimerFired));
    }

    [Theory]
    [InlineData(nameof(LoopObserver.TaskResumed))]
    [InlineData(nameof(LoopObserver.CallbackStarting))]
    [InlineData(nameof(LoopObserver.TaskFinished))]
    [InlineData(nameof(LoopObserver.TimerFired))]
    public void Observer_HookThrows_ReportedDetachedAndTheTaskStillFinishes(string hook)
    {
        var loop = NewLoop();
        var observer = new ThrowingObserver(hook);
        loop.Observer = observer;
        var log = new List<string>();

        var result = loop.RunUntilComplete(async () =>
        {
            log.Add("start");
            await loop.Sleep(1);
            log.Add("woke");
            return 7;
        });

        Assert.Equal(7, result);
        Assert.Equal(["start", "woke"], log);
        Assert.Equal(1.0, loop.Time());
        Assert.Equal(1, observer.Calls);
        Assert.Null(loop.Observer);
        var report = Assert.Single(TakeReports());
        Assert.Equal($"Exception in loop observer ThrowingObserver.{hook}; the observer was detached", report.Message);
        Assert.Equal("observer broke in " + hook, report.Exception!.Message);
    }

    [Fact]
    public void Observer_CallbackStartingThrows_TheCallbackStillRuns()
    {
        var loop = NewLoop();
        loop.Observer = new ThrowingObserver(nameof(LoopObserver.CallbackStarting));
        var log = new List<string>();
        loop.CallSoon(() => log.Add("a"));
        loop.CallSoon(() => log.Add("b"));

        loop.RunUntilIdle();

        Assert.Equal(["a", "b"], log);
        Assert.Single(TakeReports());
    }

    // ---- signals -------------------------------------------------------------------------------

    // cpython: unix_events.py::_UnixSelectorEventLoop.close removes every signal handler
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Close_WithASignalHandler_RemovesIt()
    {
        var loop = NewLoop();
        loop.AddSignalHandler(PosixSignal.SIGWINCH, static () => { });

        loop.Close();

        Assert.False(loop.RemoveSignalHandler(PosixSignal.SIGWINCH));
    }
}
