namespace Asyncio.Tests.Core;

/// <summary>Every bad input gets a clear exception, and nothing already queued is lost.</summary>
public class BadInputTests : LoopTest
{
    [Fact]
    public void NullCallbacks_ThrowArgumentNullException_NamingTheParameter()
    {
        var loop = NewLoop();
        var future = loop.CreateFuture<int>();
        Action[] calls =
        [
            () => loop.CallSoon(null!),
            () => loop.CallSoon<object?>(null!, null),
            () => loop.CallLater(1, null!),
            () => loop.CallLater<object?>(1, null!, null),
            () => loop.CallAt(1, null!),
            () => loop.CallAt<object?>(1, null!, null),
            () => loop.CallSoonThreadsafe(null!),
            () => loop.CreateTask(null!),
            () => loop.CreateTask<int>(null!),
            () => future.AddDoneCallback(null!),
            () => future.RemoveDoneCallback(null!),
            () => future.SetException(null!),
        ];
        foreach (var call in calls)
            Assert.False(string.IsNullOrEmpty(Assert.Throws<ArgumentNullException>(call).ParamName));
    }

    [Fact]
    public void NaNDelays_ThrowArgumentOutOfRange()
    {
        var loop = NewLoop();
        Action[] calls =
        [
            () => loop.CallLater(double.NaN, () => { }),
            () => loop.CallAt(double.NaN, () => { }),
            () => loop.Sleep(double.NaN),
        ];
        foreach (var call in calls)
            Assert.Contains("NaN", Assert.Throws<ArgumentOutOfRangeException>(call).Message);
    }

    [Fact]
    public void NaNTimeouts_InCoroutines_ThrowAtTheAwait()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.RunUntilComplete(() => loop.WaitFor(f, double.NaN)));
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.RunUntilComplete(() => loop.Wait([f], double.NaN)));
    }

    [Fact]
    public void InfiniteDelay_NeverFires()
    {
        var loop = NewLoop();
        var timer = loop.CallLater(double.PositiveInfinity, () => throw new Exception("fired"));
        loop.CallLater(1, loop.Stop);
        loop.RunForever();
        Assert.Equal(double.PositiveInfinity, timer.When);
        timer.Cancel();
    }

    [Fact]
    public void SecondSetResult_ThrowsInvalidStateError_AndKeepsTheFirst()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        f.SetResult(1);
        var e = Assert.Throws<InvalidStateError>(() => f.SetResult(2));
        Assert.Equal("invalid state", e.Message);
        Assert.Throws<InvalidStateError>(() => f.SetException(new Exception()));
        Assert.Equal(1, f.Result());
    }

    [Fact]
    public void SetResult_OnCancelledFuture_ThrowsInvalidStateError()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        f.Cancel();
        Assert.Equal("invalid state", Assert.Throws<InvalidStateError>(() => f.SetResult(2)).Message);
    }

    [Fact]
    public void Result_OnPendingFuture_ThrowsInvalidStateError()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        Assert.Equal("Result is not set.", Assert.Throws<InvalidStateError>(() => f.Result()).Message);
        Assert.Equal("Exception is not set.", Assert.Throws<InvalidStateError>(() => f.Exception()).Message);
    }

    [Fact]
    public void Task_SetException_IsNotSupported()
    {
        var loop = NewLoop();
        var t = loop.CreateTask(() => Task.CompletedTask);
        Assert.Equal("Task does not support set_exception operation",
            Assert.Throws<InvalidOperationException>(() => t.SetException(new Exception())).Message);
        loop.RunUntilComplete(t);
    }

    [Fact]
    public void Wait_EmptySet_ThrowsArgumentException()
    {
        var loop = NewLoop();
        var e = Assert.Throws<ArgumentException>(() => loop.RunUntilComplete(() => loop.Wait(Array.Empty<Future>())));
        Assert.Equal("Set of Tasks/Futures is empty.", e.Message);
    }

    [Fact]
    public void NonThreadSafeCalls_FromAnotherThreadWhileRunning_Throw_AndNothingQueuedIsLost()
    {
        // A test about threads: another thread calls into the running loop.
        var loop = new EventLoop(new EventLoopOptions { VirtualTime = true, DeadlockDetection = false });
        var future = loop.CreateFuture<int>();
        var errors = new List<Exception>();
        var log = new List<string>();
        var done = new ManualResetEventSlim();
        void Try(Action a)
        {
            try { a(); } catch (Exception e) { lock (errors) errors.Add(e); }
        }
        var thread = new Thread(() =>
        {
            Try(() => loop.CallSoon(() => log.Add("wrong thread")));
            Try(() => loop.CallLater(1, () => log.Add("wrong thread")));
            Try(() => loop.CreateTask(() => Task.CompletedTask));
            Try(() => future.SetResult(1));
            Try(() => future.GetAwaiter().UnsafeOnCompleted(() => log.Add("resumed"))); // an await: accepted
            loop.CallSoonThreadsafe(() => { log.Add("threadsafe"); loop.Stop(); });
            done.Set();
        });
        loop.CallSoon(() => log.Add("queued before"));
        loop.CallSoon(thread.Start);
        loop.RunForever();
        done.Wait();
        thread.Join();

        Assert.Equal(4, errors.Count);
        Assert.All(errors, e => Assert.Contains("Non-thread-safe operation", Assert.IsType<InvalidOperationException>(e).Message));
        Assert.StartsWith("CallSoon was called from another thread", errors[0].InnerException!.Message);
        Assert.Equal(["queued before", "threadsafe"], log);
        Assert.False(future.Done);
        Assert.Equal(1, future.CallbackCount); // the await was registered, on the loop thread, before the stop
        loop.Close();
    }

    [Fact]
    public void ThrowingCallbacks_NeverLoseTheOnesQueuedBehind()
    {
        var loop = NewLoop();
        var ran = new List<int>();
        for (int i = 0; i < 20; i++)
        {
            int n = i;
            loop.CallSoon(() => { ran.Add(n); if (n % 2 == 0) throw new Exception($"even {n}"); });
        }
        RunOnce(loop);
        Assert.Equal(Enumerable.Range(0, 20), ran);
        Assert.Equal(10, TakeReports().Count);
    }

    [Fact]
    public void CreateTask_FunctionReturningNull_FailsTheTask()
    {
        var loop = NewLoop();
        var task = loop.CreateTask(() => null!);
        var e = Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(task));
        Assert.Contains("returned null instead of a Task", e.Message);
    }

    [Fact]
    public void CreateTask_FunctionThrowingSynchronously_FailsTheTask()
    {
        var loop = NewLoop();
        var error = new NotImplementedException("sync");
        var task = loop.CreateTask(() => throw error);
        Assert.Same(error, Assert.Throws<NotImplementedException>(() => loop.RunUntilComplete(task)));
    }
}
