namespace Asyncio.Tests.Reliability;

/// <summary>
/// Faults: exceptions from callbacks, done-callbacks, the exception handler, task bodies and
/// <c>Dispose</c>; a task cancelled at every one of its await points in turn; <c>Close</c> after
/// every iteration of a run. (Core/BadInputTests and Core/EventLoopRunTests cover the single
/// throwing callback and a handler that throws once; these go further.)
/// </summary>
public class FaultTests : LoopTest
{
    private sealed class Resource(List<string> log, string name, Exception? throwOnDispose = null) : IDisposable
    {
        public void Dispose()
        {
            log.Add("dispose " + name);
            if (throwOnDispose is not null)
                throw throwOnDispose;
        }
    }

    /// <summary>Calls <paramref name="onSuspended"/> each time the task named <paramref name="name"/> suspends.</summary>
    private sealed class SuspensionObserver(string name, Action<LoopTask, int> onSuspended) : LoopObserver
    {
        public int Count { get; private set; }

        public override void TaskSuspended(LoopTask task, Future? waitingOn)
        {
            if (task.Name != name)
                return;
            Count++;
            onSuspended(task, Count);
        }
    }

    private sealed class StopAfter(int iterations) : LoopObserver
    {
        public int Ran { get; private set; }

        public override void IterationFinished(EventLoop loop, int ran)
        {
            Ran++;
            if (Ran == iterations)
                loop.Stop();
        }
    }

    // ---- exceptions from callbacks, done-callbacks, the handler --------------------------------

    [Fact]
    public void DoneCallbacks_Throwing_AreEachReported_AndTheOthersStillRunInOrder()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var f = loop.CreateFuture<int>();
        for (int i = 0; i < 6; i++)
        {
            int n = i;
            f.AddDoneCallback(_ => { log.Add($"d{n}"); if (n % 2 == 1) throw new InvalidOperationException($"d{n}"); });
        }
        loop.CallSoon(() => f.SetResult(1));
        loop.CallSoon(() => log.Add("after set"));
        RunOnce(loop);
        RunOnce(loop);

        Assert.Equal(["after set", "d0", "d1", "d2", "d3", "d4", "d5"], log);
        var reports = TakeReports();
        Assert.Equal(["d1", "d3", "d5"], reports.Select(r => r.Exception!.Message));
        Assert.All(reports, r => Assert.StartsWith("Exception in callback ", r.Message));
    }

    [Fact]
    public void TimerCallbacks_Throwing_NeverLoseTheTimersDueWithThem()
    {
        var loop = NewLoop();
        var log = new List<string>();
        for (int i = 0; i < 10; i++)
        {
            int n = i;
            loop.CallLater(1, () => { log.Add($"t{n}"); if (n < 9) throw new ArithmeticException($"t{n}"); });
        }
        loop.CallLater(1, () => log.Add("last"));
        loop.CallLater(2, loop.Stop);
        loop.RunForever();

        Assert.Equal(Enumerable.Range(0, 10).Select(n => $"t{n}").Append("last"), log);
        Assert.Equal(9, TakeReports().Count);
        Assert.Equal(2.0, loop.Time());
    }

    [Fact]
    public void ExceptionHandler_ThrowingOnEveryReport_TheLoopRunsEverything_AndCloseStillCloses()
    {
        var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        int handled = 0;
        loop.SetExceptionHandler((_, _) => { handled++; throw new InvalidOperationException("handler broke"); });
        var log = new List<string>();
        var previousError = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            for (int i = 0; i < 5; i++)
            {
                int n = i;
                loop.CallSoon(() => { log.Add($"c{n}"); throw new Exception($"c{n}"); });
            }
            var f = loop.CreateFuture<int>();
            f.AddDoneCallback(_ => { log.Add("done"); throw new Exception("done"); });
            loop.CallSoon(() => f.SetResult(1));
            var failing = loop.CreateTask(() => throw new TimeoutException("never retrieved"));
            var pending = loop.CreateTask(async () => await loop.CreateFuture<int>());
            loop.CallLater(1, loop.Stop);
            loop.RunForever();
            loop.Close(); // reports "never retrieved" and "destroyed but pending": the handler throws both times
        }
        finally
        {
            Console.SetError(previousError);
        }

        Assert.Equal(["c0", "c1", "c2", "c3", "c4", "done"], log);
        Assert.Equal(8, handled);
        Assert.True(loop.IsClosed);
        string errors = captured.ToString();
        Assert.Equal(8, errors.Split("Unhandled error in exception handler").Length - 1);
    }

    // ---- task bodies and Dispose ------------------------------------------------------------

    [Fact]
    public void TaskBody_ThrowingAfterAwaits_FailsTheTask_AndUsingBlocksDisposeInnermostFirst()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var error = new FormatException("body");
        var task = loop.CreateTask(async () =>
        {
            using var outer = new Resource(log, "outer");
            await loop.Sleep(1);
            using (new Resource(log, "inner"))
            {
                await loop.Sleep(0);
                log.Add("throw");
                throw error;
            }
        });
        Assert.Same(error, Assert.Throws<FormatException>(() => loop.RunUntilComplete(task)));
        Assert.Equal(["throw", "dispose inner", "dispose outer"], log);
        Assert.Same(error, task.Exception());
        Assert.Equal(1.0, loop.Time());
    }

    [Fact]
    public void Dispose_ThrowingDuringCancellation_ReplacesTheCancelledError_TheTaskFails()
    {
        // C#'s using, like Python's with: an exception from the exit replaces the one in flight.
        var loop = NewLoop();
        var log = new List<string>();
        var disposeError = new IOException("dispose failed");
        var task = loop.CreateTask(async () =>
        {
            using (new Resource(log, "r", disposeError))
                await loop.Sleep(10);
        });
        loop.CallLater(1, () => task.Cancel());
        Assert.Same(disposeError, Assert.Throws<IOException>(() => loop.RunUntilComplete(task)));
        Assert.False(task.Cancelled);
        Assert.Equal(["dispose r"], log);
        Assert.Equal(0, loop.TimerCount); // the sleep's timer went with the cancellation
    }

    [Fact]
    public void Dispose_ThrowingAfterSuccess_FailsTheTask_AndTheAwaiterSeesIt()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var disposeError = new IOException("dispose failed");
        var inner = loop.CreateTask<int>(async () =>
        {
            using (new Resource(log, "r", disposeError))
            {
                await loop.Sleep(0);
                return 1;
            }
        });
        var outer = loop.CreateTask(async () =>
        {
            try { await inner; }
            catch (IOException e) { log.Add("caught " + e.Message); }
        });
        loop.RunUntilComplete(outer);
        Assert.Equal(["dispose r", "caught dispose failed"], log);
        Assert.Same(disposeError, inner.Exception());
    }

    // ---- cancellation at every await point -----------------------------------------------------

    /// <summary>
    /// A coroutine with eight await points of different kinds, each preceded by a label, inside
    /// two using blocks and a lock; the clock and the other actors are arranged so that every
    /// await really suspends.
    /// </summary>
    private sealed class Workload
    {
        public readonly List<string> Log = [];
        public readonly EventLoop Loop;
        public readonly AsyncLock Lock = new();
        public readonly AsyncQueue<int> Queue = new();
        public readonly Future<int> Future;
        public readonly LoopTask Task;

        public Workload(EventLoop loop)
        {
            Loop = loop;
            Future = loop.CreateFuture<int>();
            // The lock is held by another task from t=0 to t=1; an item arrives at t=5; the future is set at t=6.
            loop.CreateTask(async () => { await Lock.AcquireAsync(); await loop.Sleep(1); Lock.Release(); }, "holder");
            loop.CallLater(5, () => Queue.PutNowait(42));
            loop.CallLater(6, () => { if (!Future.Done) Future.SetResult(6); });
            Task = loop.CreateTask(BodyAsync, "worker");
        }

        private async Task BodyAsync()
        {
            Log.Add("start");
            using (new Resource(Log, "outer"))
            {
                Log.Add("await 1 Sleep(0)");
                await Loop.Sleep(0);
                Log.Add("await 2 Sleep(0.25)");
                await Loop.Sleep(0.25);
                Log.Add("await 3 lock");
                var releaser = await Lock.LockAsync();
                using (releaser)
                using (new Resource(Log, "inner"))
                {
                    Log.Add("await 4 Sleep(1) holding the lock");
                    await Loop.Sleep(1);
                }
                Log.Add("await 5 queue get");
                await Queue.GetAsync();
                Log.Add("await 6 future");
                await Future;
                await NestedAsync();
                Log.Add("end");
            }
        }

        private async Task NestedAsync()
        {
            Log.Add("await 7 nested Sleep(0.5)");
            await Loop.Sleep(0.5);
            Log.Add("await 8 nested Sleep(0.5)");
            await Loop.Sleep(0.5);
        }
    }

    private static List<string> FullWorkloadLog()
    {
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        var work = new Workload(loop);
        loop.RunUntilComplete(work.Task);
        return work.Log;
    }

    public static TheoryData<int> AwaitPoints() => new(Enumerable.Range(0, 9));

    [Fact]
    public void Workload_RunToTheEnd_SuspendsExactlyOncePerAwaitPoint()
    {
        var loop = NewLoop();
        var observer = new SuspensionObserver("worker", (_, _) => { });
        loop.Observer = observer;
        var work = new Workload(loop);
        loop.RunUntilComplete(work.Task);

        Assert.Equal(8, observer.Count);
        Assert.Equal(8, work.Log.Count(e => e.StartsWith("await ")));
        Assert.Equal(
        [
            "start", "await 1 Sleep(0)", "await 2 Sleep(0.25)", "await 3 lock", "await 4 Sleep(1) holding the lock",
            "dispose inner", "await 5 queue get", "await 6 future", "await 7 nested Sleep(0.5)", "await 8 nested Sleep(0.5)",
            "end", "dispose outer",
        ], work.Log);
        Assert.Equal(7.0, loop.Time());
    }

    [Theory]
    [MemberData(nameof(AwaitPoints))]
    public void Cancel_AtTheKthSuspension_EndsCancelled_WithExactCleanup(int k)
    {
        var loop = NewLoop();
        // k = 0: cancelled before its first step; k >= 1: cancelled while suspended at await k.
        var observer = new SuspensionObserver("worker", (task, count) => { if (count == k) task.Cancel(); });
        loop.Observer = observer;
        var work = new Workload(loop);
        if (k == 0)
            work.Task.Cancel();

        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(work.Task));
        // Let the other actors finish, so that the primitives' end state can be checked.
        loop.RunUntilComplete(async () => await loop.Sleep(10));

        Assert.True(work.Task.Cancelled);
        Assert.Equal(k, observer.Count);
        // Exactly the log of an uncancelled run up to await k, then the cleanup of the blocks open there.
        var expected = new List<string>();
        if (k > 0)
        {
            var full = FullWorkloadLog();
            expected.AddRange(full.Take(full.FindIndex(e => e.StartsWith($"await {k} ")) + 1));
            if (k == 4)
                expected.Add("dispose inner");
            expected.Add("dispose outer");
        }
        Assert.Equal(expected, work.Log);
        // Nothing held, nobody left in a line, nothing taken that was not used.
        Assert.False(work.Lock.Locked);
        Assert.Equal(0, work.Lock.WaiterCount);
        Assert.Equal(0, work.Queue.GetterCount);
        Assert.Equal(k <= 5 ? 1 : 0, work.Queue.Count);
        // Cancelling a task that awaits a Future cancels that Future, as in asyncio.
        Assert.Equal(k == 6, work.Future.Cancelled);
        Assert.Equal(0, loop.TimerCount);
        Assert.Empty(loop.AllTasks());
    }

    // ---- Close at every point of a run ---------------------------------------------------------

    /// <summary>A mixed run: callbacks, timers, a task that fails unobserved, one that waits forever, a chain of sleeps.</summary>
    private static (List<string> Log, LoopTask[] Tasks) BuildRun(EventLoop loop)
    {
        var log = new List<string>();
        var never = loop.CreateFuture<int>();
        var tasks = new[]
        {
            loop.CreateTask(async () => { for (int i = 0; i < 4; i++) { log.Add($"sleeper {i}"); await loop.Sleep(0.5); } }, "sleeper"),
            loop.CreateTask(async () => { await loop.Sleep(1); log.Add("failer"); throw new InvalidDataException("unobserved"); }, "failer"),
            loop.CreateTask(async () => { log.Add("waiter"); await never; }, "waiter"),
        };
        loop.CallSoon(() => log.Add("soon"));
        loop.CallLater(0.75, () => log.Add("timer 0.75"));
        loop.CallLater(3, () => log.Add("timer 3"));
        return (log, tasks);
    }

    [Fact]
    public void Close_AfterEveryIteration_ReportsExactlyTheLeftovers_AndNothingRunsAfterwards()
    {
        // Count the iterations of the whole run first (it ends in the waiter's deadlock).
        var counting = new StopAfter(int.MaxValue);
        var full = NewLoop();
        full.Observer = counting;
        var (fullLog, _) = BuildRun(full);
        Assert.Throws<DeadlockError>(full.RunForever);
        int iterations = counting.Ran;
        Assert.Equal(["sleeper 0", "waiter", "soon", "sleeper 1", "timer 0.75", "failer", "sleeper 2", "sleeper 3", "timer 3"], fullLog);
        TakeReports();
        full.Close();
        Assert.Equal(["Task exception was never retrieved", "Task was destroyed but it is pending!"], TakeReports().Select(r => r.Message));

        for (int k = 0; k <= iterations; k++)
        {
            var loop = NewLoop();
            var (log, tasks) = BuildRun(loop);
            if (k > 0)
            {
                loop.Observer = new StopAfter(k);
                loop.RunForever();
            }
            var pendingBefore = loop.AllTasks().Select(t => t.Name).ToList();
            bool failerDone = tasks[1].Done;
            int logged = log.Count;
            Assert.Equal(fullLog.Take(logged), log);

            loop.Close();
            var reports = TakeReports();
            var expected = new List<string>();
            if (failerDone)
                expected.Add("Task exception was never retrieved: failer");
            expected.AddRange(pendingBefore.Select(n => "Task was destroyed but it is pending!: " + n));
            Assert.Equal(expected, reports.Select(r => $"{r.Message}: {(r.Task ?? r.Future as LoopTask)!.Name}"));

            // Nothing runs afterwards: not on a later run attempt, not when the GC collects.
            Assert.Equal("Event loop is closed", Assert.Throws<InvalidOperationException>(loop.RunForever).Message);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Assert.Equal(logged, log.Count);
            Assert.Equal(0, loop.TimerCount);
            Assert.Equal(0, loop.ReadyCount);
            Assert.Empty(TakeReports());
            loop.Close(); // idempotent: no second report
            Assert.Empty(TakeReports());
        }
    }
}
