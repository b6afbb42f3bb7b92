namespace Asyncio.Tests.Reliability;

/// <summary>
/// The bad-input catalogue: public entry points called with null, NaN, infinities, negative and
/// huge values, on a closed loop, from another thread, and re-entrantly from inside a callback
/// or a task. Each row names the exact exception type (null: accepted) and, where it is part of
/// the contract, the message; after each row the loop must still run a callback (except rows on
/// a closed loop, which asyncio does not let run again either).
/// Core/BadInputTests keeps the first, grouped checks; this catalogue is the exhaustive list.
/// </summary>
public class BadInputCatalogueTests : LoopTest
{
    public enum Where
    {
        /// <summary>Called with the loop not running.</summary>
        Outside,
        /// <summary>Called from a callback of the running loop; a returned Task is looked at, not awaited.</summary>
        Callback,
        /// <summary>Called inside a task and awaited there.</summary>
        InTask,
        /// <summary>Called from another thread while the loop runs.</summary>
        OtherThread,
        /// <summary>Called after Close.</summary>
        Closed,
    }

    public sealed class Env(EventLoop loop)
    {
        public EventLoop Loop { get; } = loop;
        public Future<int> Pending { get; } = loop.CreateFuture<int>();
        public Future<int> Finished { get; } = Make(loop);

        private static Future<int> Make(EventLoop loop)
        {
            var f = loop.CreateFuture<int>();
            f.SetResult(1);
            return f;
        }
    }

    public sealed record Case(string Name, Where Where, Func<Env, object?> Act, Type? Exception, string? Message = null);

    private const string Closed = "Event loop is closed";
    private const string WrongThread = "Non-thread-safe operation invoked on an event loop other than the current one";
    private static readonly Action Noop = () => { };
    private static readonly Action<int> NoopInt = _ => { };

    private static IEnumerable<Case> Catalogue()
    {
        var ane = typeof(ArgumentNullException);
        var aoore = typeof(ArgumentOutOfRangeException);
        var ioe = typeof(InvalidOperationException);

        // ---- null ------------------------------------------------------------------------------
        yield return new("CallSoon(null)", Where.Outside, e => e.Loop.CallSoon(null!), ane);
        yield return new("CallSoon<T>(null, state)", Where.Outside, e => e.Loop.CallSoon<int>(null!, 1), ane);
        yield return new("CallLater(1, null)", Where.Outside, e => e.Loop.CallLater(1, null!), ane);
        yield return new("CallLater(TimeSpan, null)", Where.Outside, e => e.Loop.CallLater(TimeSpan.FromSeconds(1), null!), ane);
        yield return new("CallLater<T>(1, null, state)", Where.Outside, e => e.Loop.CallLater<int>(1, null!, 1), ane);
        yield return new("CallAt(1, null)", Where.Outside, e => e.Loop.CallAt(1, null!), ane);
        yield return new("CallAt<T>(1, null, state)", Where.Outside, e => e.Loop.CallAt<int>(1, null!, 1), ane);
        yield return new("CallSoonThreadsafe(null)", Where.Outside, e => e.Loop.CallSoonThreadsafe(null!), ane);
        yield return new("CallSoonThreadsafe<T>(null, state)", Where.Outside, e => e.Loop.CallSoonThreadsafe<int>(null!, 1), ane);
        yield return new("CallSoon(null) inside a callback", Where.Callback, e => e.Loop.CallSoon(null!), ane);
        yield return new("CreateTask(null)", Where.Outside, e => e.Loop.CreateTask(null!), ane);
        yield return new("CreateTask<T>(null)", Where.Outside, e => e.Loop.CreateTask<int>(null!), ane);
        yield return new("EnsureFuture((Future)null)", Where.Outside, e => e.Loop.EnsureFuture((Future)null!), ane);
        yield return new("EnsureFuture((Task)null)", Where.Outside, e => e.Loop.EnsureFuture((Task)null!), ane);
        yield return new("RunUntilComplete((Future)null)", Where.Outside, e => e.Loop.RunUntilComplete((Future)null!), ane);
        yield return new("RunCoroutineThreadsafe(null)", Where.Outside, e => e.Loop.RunCoroutineThreadsafe((Func<Task>)null!), ane);
        yield return new("Gather((IEnumerable<Future>)null)", Where.Outside, e => e.Loop.Gather((IEnumerable<Future>)null!), ane);
        yield return new("Shield((Future<int>)null)", Where.Outside, e => e.Loop.Shield((Future<int>)null!), ane);
        yield return new("WaitFor((Future)null, 1)", Where.Outside, e => e.Loop.WaitFor((Future)null!, 1), ane);
        yield return new("WaitFor((Func<Task>)null, 1)", Where.Outside, e => e.Loop.WaitFor((Func<Task>)null!, 1), ane);
        yield return new("Wait<Future>(null)", Where.InTask, e => e.Loop.Wait<Future>(null!), ane);
        yield return new("Timeout(1, null)", Where.Outside, e => e.Loop.Timeout(1, (Func<Task>)null!), ane);
        yield return new("TimeoutAt(1, null)", Where.Outside, e => e.Loop.TimeoutAt(1, null!), ane);
        yield return new("TaskGroup(null)", Where.Outside, e => e.Loop.TaskGroup(null!), ane);
        yield return new("Future.AddDoneCallback(null)", Where.Outside, e => { e.Pending.AddDoneCallback(null!); return null; }, ane);
        yield return new("Future.RemoveDoneCallback(null)", Where.Outside, e => e.Pending.RemoveDoneCallback(null!), ane);
        yield return new("Future.SetException(null)", Where.Outside, e => { e.Pending.SetException(null!); return null; }, ane);
        yield return new("CallExceptionHandler(null)", Where.Outside, e => { e.Loop.CallExceptionHandler(null!); return null; }, ane);
        yield return new("DefaultExceptionHandler(null)", Where.Outside, e => { e.Loop.DefaultExceptionHandler(null!); return null; }, ane);
        yield return new("EventLoop.Run(null)", Where.Outside, _ => { EventLoop.Run((Func<Task>)null!); return null; }, ane);
        yield return new("new EventLoop(null)", Where.Outside, _ => new EventLoop(null!), ane);
        // An error in the body of a TaskGroup comes out in the group's ExceptionGroup, as in asyncio.
        yield return new("TaskGroup.CreateTask(null)", Where.InTask, e => e.Loop.TaskGroup(tg => { tg.CreateTask((Func<Task>)null!); return Task.CompletedTask; }), typeof(AggregateException), "unhandled errors in a TaskGroup");
        yield return new("SetExceptionHandler(null) restores the default", Where.Outside, e => { e.Loop.SetExceptionHandler(null); return null; }, null);

        // ---- NaN -------------------------------------------------------------------------------
        yield return new("CallLater(NaN)", Where.Outside, e => e.Loop.CallLater(double.NaN, Noop), aoore);
        yield return new("CallLater<T>(NaN)", Where.Outside, e => e.Loop.CallLater(double.NaN, NoopInt, 1), aoore);
        yield return new("CallAt(NaN)", Where.Outside, e => e.Loop.CallAt(double.NaN, Noop), aoore);
        yield return new("CallAt<T>(NaN)", Where.Outside, e => e.Loop.CallAt(double.NaN, NoopInt, 1), aoore);
        yield return new("CallLater(NaN) inside a callback", Where.Callback, e => e.Loop.CallLater(double.NaN, Noop), aoore);
        yield return new("Sleep(NaN)", Where.Outside, e => e.Loop.Sleep(double.NaN), aoore);
        yield return new("Sleep<T>(NaN, result)", Where.InTask, e => e.Loop.Sleep(double.NaN, 1), aoore);
        yield return new("Timeout(NaN)", Where.Outside, e => e.Loop.Timeout(double.NaN, () => Task.CompletedTask), aoore);
        yield return new("TimeoutAt(NaN)", Where.InTask, e => e.Loop.TimeoutAt(double.NaN, _ => Task.CompletedTask), aoore);
        yield return new("TimeoutScope.Reschedule(NaN)", Where.InTask, e => e.Loop.Timeout(1, s => { s.Reschedule(double.NaN); return Task.CompletedTask; }), aoore);
        yield return new("WaitFor(future, NaN)", Where.InTask, e => e.Loop.WaitFor(e.Pending, double.NaN), aoore);
        yield return new("Wait([future], NaN)", Where.InTask, e => e.Loop.Wait([e.Pending], double.NaN), aoore);
        yield return new("AdvanceTime(NaN)", Where.Outside, e => { e.Loop.AdvanceTime(double.NaN); return null; }, aoore);
        yield return new("AdvanceTimeTo(NaN)", Where.Outside, e => { e.Loop.AdvanceTimeTo(double.NaN); return null; }, aoore);
        yield return new("SlowCallbackDuration = NaN", Where.Outside, e => { e.Loop.SlowCallbackDuration = double.NaN; return null; }, aoore);

        // ---- infinities ------------------------------------------------------------------------
        yield return new("CallLater(+inf) is accepted and never fires", Where.Outside, e => e.Loop.CallLater(double.PositiveInfinity, () => throw new Exception("fired")), null);
        yield return new("CallLater(-inf) runs now", Where.Outside, e => e.Loop.CallLater(double.NegativeInfinity, Noop), null);
        yield return new("CallAt(+inf) is accepted and never fires", Where.Outside, e => e.Loop.CallAt(double.PositiveInfinity, () => throw new Exception("fired")), null);
        yield return new("CallAt(-inf) runs now", Where.Outside, e => e.Loop.CallAt(double.NegativeInfinity, Noop), null);
        yield return new("Sleep(-inf) yields once", Where.InTask, e => e.Loop.Sleep(double.NegativeInfinity, 0), null);
        yield return new("Timeout(+inf) never expires", Where.InTask, e => e.Loop.Timeout(double.PositiveInfinity, async () => await e.Loop.Sleep(1)), null);
        yield return new("Timeout(-inf) expires at once", Where.InTask, e => e.Loop.Timeout(double.NegativeInfinity, async () => await e.Loop.Sleep(1)), typeof(TimeoutException));
        yield return new("WaitFor(future, -inf) times out at once", Where.InTask, e => e.Loop.WaitFor(e.Pending, double.NegativeInfinity), typeof(TimeoutException));
        yield return new("Wait([future], -inf) returns it pending", Where.InTask, e => e.Loop.Wait([e.Pending], double.NegativeInfinity), null);
        yield return new("AdvanceTime(-inf)", Where.Outside, e => { e.Loop.AdvanceTime(double.NegativeInfinity); return null; }, aoore);
        yield return new("SlowCallbackDuration = +inf", Where.Outside, e => { e.Loop.SlowCallbackDuration = double.PositiveInfinity; return null; }, null);

        // ---- negative --------------------------------------------------------------------------
        yield return new("CallLater(-1) runs now", Where.Outside, e => e.Loop.CallLater(-1, Noop), null);
        yield return new("CallLater(TimeSpan.MinValue) runs now", Where.Outside, e => e.Loop.CallLater(TimeSpan.MinValue, Noop), null);
        yield return new("Sleep(-1) yields once", Where.InTask, e => e.Loop.Sleep(-1, 0), null);
        yield return new("AdvanceTime(-1)", Where.Outside, e => { e.Loop.AdvanceTime(-1); return null; }, aoore);
        yield return new("AdvanceTimeTo(the past)", Where.Outside, e => { e.Loop.AdvanceTime(5); e.Loop.AdvanceTimeTo(4); return null; }, aoore);
        yield return new("SlowCallbackDuration = -1", Where.Outside, e => { e.Loop.SlowCallbackDuration = -1; return null; }, aoore);
        yield return new("new AsyncSemaphore(-1)", Where.Outside, _ => new AsyncSemaphore(-1), aoore, "Semaphore initial value must be >= 0");
        yield return new("new AsyncBoundedSemaphore(-1)", Where.Outside, _ => new AsyncBoundedSemaphore(-1), aoore, "Semaphore initial value must be >= 0");
        yield return new("new AsyncBarrier(0)", Where.Outside, _ => new AsyncBarrier(0), aoore, "parties must be > 0");
        yield return new("new AsyncBarrier(-1)", Where.Outside, _ => new AsyncBarrier(-1), aoore, "parties must be > 0");
        yield return new("new AsyncQueue(-1)", Where.Outside, _ => new AsyncQueue<int>(-1), aoore);
        yield return new("new AsyncLifoQueue(-1)", Where.Outside, _ => new AsyncLifoQueue<int>(-1), aoore);
        yield return new("new AsyncPriorityQueue(-1)", Where.Outside, _ => new AsyncPriorityQueue<int>(-1), aoore);

        // ---- huge ------------------------------------------------------------------------------
        yield return new("CallLater(double.MaxValue) is accepted", Where.Outside, e => e.Loop.CallLater(double.MaxValue, () => throw new Exception("fired")), null);
        yield return new("CallLater(TimeSpan.MaxValue) is accepted", Where.Outside, e => e.Loop.CallLater(TimeSpan.MaxValue, () => throw new Exception("fired")), null);
        yield return new("CallAt(double.MaxValue) is accepted", Where.Outside, e => e.Loop.CallAt(double.MaxValue, () => throw new Exception("fired")), null);
        yield return new("Timeout(double.MaxValue) never expires", Where.InTask, e => e.Loop.Timeout(double.MaxValue, async () => await e.Loop.Sleep(1)), null);
        yield return new("new AsyncQueue(int.MaxValue)", Where.Outside, _ => new AsyncQueue<int>(int.MaxValue), null);
        yield return new("new AsyncBarrier(int.MaxValue)", Where.Outside, _ => new AsyncBarrier(int.MaxValue), null);
        yield return new("new AsyncSemaphore(int.MaxValue)", Where.Outside, _ => new AsyncSemaphore(int.MaxValue), null);

        // ---- closed loop -----------------------------------------------------------------------
        yield return new("CallSoon<T> on a closed loop", Where.Closed, e => e.Loop.CallSoon(NoopInt, 1), ioe, Closed);
        yield return new("CallLater<T> on a closed loop", Where.Closed, e => e.Loop.CallLater(1, NoopInt, 1), ioe, Closed);
        yield return new("CallLater(TimeSpan) on a closed loop", Where.Closed, e => e.Loop.CallLater(TimeSpan.FromSeconds(1), Noop), ioe, Closed);
        yield return new("CallAt<T> on a closed loop", Where.Closed, e => e.Loop.CallAt(1, NoopInt, 1), ioe, Closed);
        yield return new("CallSoonThreadsafe<T> on a closed loop", Where.Closed, e => e.Loop.CallSoonThreadsafe(NoopInt, 1), ioe, Closed);
        yield return new("CreateTask<T> on a closed loop", Where.Closed, e => e.Loop.CreateTask(() => Task.FromResult(1)), ioe, Closed);
        yield return new("EnsureFuture(Task) on a closed loop", Where.Closed, e => e.Loop.EnsureFuture(Task.CompletedTask), ioe, Closed);
        yield return new("RunUntilComplete(coroutine) on a closed loop", Where.Closed, e => { e.Loop.RunUntilComplete(() => Task.CompletedTask); return null; }, ioe, Closed);
        yield return new("RunCoroutineThreadsafe on a closed loop", Where.Closed, e => e.Loop.RunCoroutineThreadsafe(() => Task.CompletedTask), ioe, Closed);
        yield return new("Gather on a closed loop", Where.Closed, e => e.Loop.Gather(new Future[] { e.Finished }), ioe, Closed);
        yield return new("Sleep awaited on a closed loop", Where.Closed, e => e.Loop.Sleep(1).GetAwaiter(), ioe, Closed);
        // asyncio fails only when there are callbacks to schedule (call_soon checks the loop).
        yield return new("SetException with a done-callback on a closed loop", Where.Closed, e => { e.Pending.AddDoneCallback(_ => { }); e.Pending.SetException(new Exception()); return null; }, ioe, Closed);
        yield return new("SetException without callbacks on a closed loop is accepted", Where.Closed, e => { e.Pending.SetException(new Exception()); e.Pending.Exception(); return null; }, null);
        yield return new("AddDoneCallback on a done future of a closed loop", Where.Closed, e => { e.Finished.AddDoneCallback(_ => { }); return null; }, ioe, Closed);
        yield return new("Close on a closed loop is a no-op", Where.Closed, e => { e.Loop.Close(); return null; }, null);

        // ---- from another thread while running ---------------------------------------------------
        yield return new("CallSoon<T> from another thread", Where.OtherThread, e => e.Loop.CallSoon(NoopInt, 1), ioe, WrongThread);
        yield return new("CallLater<T> from another thread", Where.OtherThread, e => e.Loop.CallLater(1, NoopInt, 1), ioe, WrongThread);
        yield return new("CallAt from another thread", Where.OtherThread, e => e.Loop.CallAt(1, Noop), ioe, WrongThread);
        yield return new("CreateTask<T> from another thread", Where.OtherThread, e => e.Loop.CreateTask(() => Task.FromResult(1)), ioe, WrongThread);
        yield return new("Future.SetException from another thread", Where.OtherThread, e => { e.Pending.SetException(new Exception()); return null; }, ioe, WrongThread);
        yield return new("Future.Cancel from another thread", Where.OtherThread, e => e.Pending.Cancel(), ioe, WrongThread);
        yield return new("AddDoneCallback on a done future from another thread", Where.OtherThread, e => { e.Finished.AddDoneCallback(_ => { }); return null; }, ioe, WrongThread);
        yield return new("Sleep awaited from another thread is accepted (armed on the loop thread)", Where.OtherThread, e => e.Loop.Sleep(1).GetAwaiter(), null);
        yield return new("AdvanceTime from another thread", Where.OtherThread, e => { e.Loop.AdvanceTime(1); return null; }, ioe, WrongThread);
        yield return new("Observer set from another thread", Where.OtherThread, e => e.Loop.Observer = null, ioe, WrongThread);
        yield return new("RunForever from another thread", Where.OtherThread, e => { e.Loop.RunForever(); return null; }, ioe, "This event loop is already running");
        yield return new("Close from another thread", Where.OtherThread, e => { e.Loop.Close(); return null; }, ioe, "Cannot close a running event loop");
        yield return new("CallSoonThreadsafe from another thread is accepted", Where.OtherThread, e => e.Loop.CallSoonThreadsafe(Noop), null);
        yield return new("CreateFuture from another thread is accepted", Where.OtherThread, e => e.Loop.CreateFuture<int>(), null);

        // ---- re-entrant, from inside the running loop ----------------------------------------------
        yield return new("RunForever from a callback", Where.Callback, e => { e.Loop.RunForever(); return null; }, ioe, "This event loop is already running");
        yield return new("RunUntilComplete from a callback", Where.Callback, e => e.Loop.RunUntilComplete(e.Pending), ioe, "This event loop is already running");
        yield return new("RunUntilComplete from a task", Where.InTask, e => e.Loop.RunUntilComplete(e.Pending), ioe, "This event loop is already running");
        yield return new("Close from a callback", Where.Callback, e => { e.Loop.Close(); return null; }, ioe, "Cannot close a running event loop");
        yield return new("EventLoop.Run from a callback", Where.Callback, _ => { EventLoop.Run(() => Task.CompletedTask); return null; }, ioe, "asyncio.run() cannot be called from a running event loop");
        yield return new("another loop's RunForever from a callback", Where.Callback, _ => { using var other = new EventLoop(new EventLoopOptions { VirtualTime = true }); other.RunForever(); return null; }, ioe, "Cannot run the event loop while another loop is running");
        yield return new("Timeout from a plain callback", Where.Callback, e => e.Loop.Timeout(1, () => Task.CompletedTask), ioe, "Timeout should be used inside a task");
        yield return new("Stop twice from a callback", Where.Callback, e => { e.Loop.Stop(); e.Loop.Stop(); return null; }, null);
        yield return new("SetResult twice", Where.Callback, e => { e.Finished.SetResult(2); return null; }, typeof(InvalidStateError));
        yield return new("Result of a pending future", Where.Callback, e => e.Pending.Result(), typeof(InvalidStateError), "Result is not set.");
        yield return new("Exception of a pending future", Where.Callback, e => e.Pending.Exception(), typeof(InvalidStateError), "Exception is not set.");
        yield return new("RemoveDoneCallback never added", Where.Callback, e => e.Pending.RemoveDoneCallback(_ => { }), null);
        yield return new("Cancel a done future", Where.Callback, e => e.Finished.Cancel(), null);
        yield return new("Uncancel below zero", Where.InTask, e => Task.FromResult(e.Loop.CurrentTask!.Uncancel()), null);
        yield return new("a task awaiting itself", Where.InTask, e => AwaitSelf(e.Loop), ioe);
        yield return new("AsyncLock.Release unlocked", Where.Callback, _ => { new AsyncLock().Release(); return null; }, ioe, "Lock is not acquired.");
        yield return new("AsyncBoundedSemaphore.Release too many times", Where.Callback, _ => { new AsyncBoundedSemaphore(1).Release(); return null; }, typeof(SemaphoreFullException), "BoundedSemaphore released too many times");
        yield return new("AsyncCondition.Notify without the lock", Where.Callback, _ => { new AsyncCondition().Notify(); return null; }, ioe, "cannot notify on un-acquired lock");
        yield return new("AsyncQueue.GetNowait empty", Where.Callback, _ => new AsyncQueue<int>().GetNowait(), typeof(QueueEmptyError));
        yield return new("AsyncQueue.PutNowait full", Where.Callback, _ => { var q = new AsyncQueue<int>(1); q.PutNowait(1); q.PutNowait(2); return null; }, typeof(QueueFullError));
        yield return new("AsyncQueue.PutNowait after Shutdown", Where.Callback, _ => { var q = new AsyncQueue<int>(); q.Shutdown(); q.PutNowait(1); return null; }, typeof(QueueShutDownError));
        yield return new("AsyncQueue.TaskDone too many times", Where.Callback, _ => { new AsyncQueue<int>().TaskDone(); return null; }, ioe, "task_done() called too many times");
        yield return new("AsyncBarrier.WaitAsync after Abort", Where.InTask, _ => WaitOnAbortedBarrier(), typeof(BrokenBarrierError));
        yield return new("contended AsyncLock outside a running loop", Where.Outside, _ => { var l = new AsyncLock(); l.AcquireAsync(); return l.AcquireAsync().AsTask(); }, ioe);
        yield return new("AsyncEvent bound to another loop", Where.InTask, e => WaitOnEventOfAnotherLoop(e.Loop), ioe);
    }

    private static async Task WaitOnAbortedBarrier()
    {
        var barrier = new AsyncBarrier(2);
        await barrier.AbortAsync();
        await barrier.WaitAsync();
    }

    private static async Task AwaitSelf(EventLoop loop)
    {
        var self = loop.CreateTask(async () => await loop.CurrentTask!);
        await self;
    }

    private static async Task WaitOnEventOfAnotherLoop(EventLoop loop)
    {
        var ev = new AsyncEvent();
        using (var other = new EventLoop(new EventLoopOptions { VirtualTime = true }))
        {
            var waiting = other.CreateTask(async () => await ev.WaitAsync());
            other.CallSoon(other.Stop);
            other.RunForever(); // binds the event to the other loop
            waiting.Cancel();
            other.CallSoon(other.Stop);
            other.RunForever();
        }
        await ev.WaitAsync();
    }

    private static readonly Dictionary<string, Case> s_cases = Catalogue().ToDictionary(c => c.Name);

    /// <summary>The number of rows (README: Reliability).</summary>
    public static int RowCount => s_cases.Count;

    public static TheoryData<string> Rows() => new(s_cases.Keys);

    [Theory]
    [MemberData(nameof(Rows))]
    public void BadInput_ThrowsTheExactException_AndTheLoopStaysUsable(string name)
    {
        var row = s_cases[name];
        var loop = NewLoop();
        var env = new Env(loop);
        Exception? caught = null;
        void Capture()
        {
            try
            {
                var result = row.Act(env);
                if (result is Task { IsFaulted: true } faulted && row.Where == Where.Callback)
                    caught = faulted.Exception!.InnerException;
                else if (result is Task other && row.Where == Where.Outside)
                    caught = other.Exception?.InnerException;
            }
            catch (Exception e)
            {
                caught = e;
            }
        }
        switch (row.Where)
        {
            case Where.Outside:
                Capture();
                break;
            case Where.Closed:
                loop.Close();
                Capture();
                break;
            case Where.Callback:
                loop.CallSoon(Capture);
                RunOnce(loop);
                break;
            case Where.InTask:
                var task = loop.CreateTask(async () =>
                {
                    try
                    {
                        var result = row.Act(env);
                        if (result is Task t)
                            await t;
                    }
                    catch (Exception e)
                    {
                        caught = e;
                    }
                });
                loop.RunUntilComplete(task);
                break;
            case Where.OtherThread:
                loop.CallSoon(() =>
                {
                    var thread = new Thread(Capture);
                    thread.Start();
                    thread.Join();
                });
                RunOnce(loop);
                break;
        }

        if (row.Exception is null)
        {
            Assert.Null(caught);
        }
        else
        {
            Assert.NotNull(caught);
            Assert.IsType(row.Exception, caught);
            if (row.Message is not null)
                Assert.StartsWith(row.Message, caught!.Message);
        }
        Assert.Empty(TakeReports());

        if (row.Where == Where.Closed)
        {
            Assert.True(loop.IsClosed);
            return;
        }
        // Still usable: one more callback is scheduled and runs.
        bool ran = false;
        loop.CallSoon(() => ran = true);
        RunOnce(loop);
        Assert.True(ran, "the loop did not run a callback after the bad input");
        Assert.Empty(TakeReports());
        env.Pending.Cancel(); // nothing left for Close to report
    }

    [Fact]
    public void Catalogue_HasOneRowPerCase()
    {
        Assert.True(RowCount >= 100, $"rows: {RowCount}");
        Assert.Equal(RowCount, Catalogue().Count());
    }

    [Fact]
    public void AsyncSemaphore_ReleaseAtIntMaxValue_ThrowsOverflowAndKeepsTheCount()
    {
        var sem = new AsyncSemaphore(int.MaxValue);
        Assert.Throws<OverflowException>(sem.Release);
        Assert.Equal(int.MaxValue, sem.Value);
        Assert.False(sem.Locked);
    }
}
