namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>Another loop's futures and null elements are refused at the call, and loop-thread-only members check the thread before any state change.</summary>
public class ForeignFutureTests : LoopTest
{
    private const string OtherLoopMessage = "The future belongs to a different loop than the one specified as the loop argument";

    [Fact]
    public void Wait_FutureOfAnotherLoop_ThrowsAtTheCallAsGatherDoes()
    {
        var loop = NewLoop();
        var other = NewLoop();
        var mine = loop.CreateFuture<int>();
        var foreign = other.CreateFuture<int>();
        var gatherError = Assert.Throws<ArgumentException>(() => loop.Gather([mine, foreign]));
        var waitError = Assert.Throws<ArgumentException>(() => { _ = loop.Wait([mine, foreign], 1.0); });
        Assert.Equal(OtherLoopMessage, waitError.Message);
        Assert.Equal(gatherError.Message, waitError.Message);
        Assert.Equal(0, mine.CallbackCount); // refused before watching anything
    }

    [Fact]
    public void Wait_NullElement_ThrowsArgumentNullAsGatherDoes()
    {
        var loop = NewLoop();
        var mine = loop.CreateFuture<int>();
        var gatherError = Assert.Throws<ArgumentNullException>(() => loop.Gather(new Future[] { mine, null! }));
        var waitError = Assert.Throws<ArgumentNullException>(() => { _ = loop.Wait(new Future[] { mine, null! }); });
        Assert.Equal(gatherError.Message, waitError.Message);
        Assert.Equal(0, mine.CallbackCount);
    }

    [Fact]
    public void AsCompleted_FutureOfAnotherLoop_ThrowsAtTheCall()
    {
        var loop = NewLoop();
        var other = NewLoop();
        var mine = loop.CreateFuture<int>();
        var foreign = other.CreateFuture<int>();
        var error = Assert.Throws<ArgumentException>(() => loop.AsCompleted<int>([mine, foreign], 1.0));
        Assert.Equal(OtherLoopMessage, error.Message);
        Assert.Equal(0, mine.CallbackCount);
        Assert.Equal(0, loop.TimerCount); // no timeout armed either
        var asyncError = Assert.Throws<ArgumentException>(() => loop.AsCompletedAsync(new Future[] { mine, foreign }));
        Assert.Equal(OtherLoopMessage, asyncError.Message);
    }

    [Fact]
    public void AsCompleted_NullElement_ThrowsArgumentNullAsGatherDoes()
    {
        var loop = NewLoop();
        var mine = loop.CreateFuture<int>();
        var gatherError = Assert.Throws<ArgumentNullException>(() => loop.Gather(new IFuture<int>[] { mine, null! }));
        var error = Assert.Throws<ArgumentNullException>(() => loop.AsCompleted(new IFuture<int>[] { mine, null! }));
        Assert.Equal(gatherError.Message, error.Message);
        Assert.Equal(0, mine.CallbackCount);
    }

    [Fact]
    public void AsCompleted_NaNTimeout_ThrowsBeforeWatching()
    {
        var loop = NewLoop();
        var mine = loop.CreateFuture<int>();
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.AsCompleted<int>([mine], double.NaN));
        Assert.Equal(0, mine.CallbackCount);
    }

    [Fact]
    public void EnsureFutureAndShield_AwaitableOfAnotherLoop_ThrowTheSameError()
    {
        var loop = NewLoop();
        var other = NewLoop();
        var foreign = other.CreateFuture<int>();
        Assert.Equal(OtherLoopMessage, Assert.Throws<ArgumentException>(() => loop.EnsureFuture((Awaitable)foreign)).Message);
        Assert.Equal(OtherLoopMessage, Assert.Throws<ArgumentException>(() => loop.Shield((Awaitable<int>)foreign)).Message);
        Assert.Equal(OtherLoopMessage, Assert.Throws<ArgumentException>(() => loop.Gather(Task.CompletedTask, foreign)).Message);
        Assert.Empty(loop.AllTasks()); // the Task was not wrapped before the refusal
    }

    // ---- loop-thread-only members, called from another thread while the loop runs ----

    public static TheoryData<string> LoopThreadOnlyMembers() =>
    [
        "Gather", "GatherAwaitables", "Shield", "AsCompleted", "Wait", "AllTasks", "DumpTasks", "SnapshotTasks",
        "SetExceptionHandler", "EagerTasks", "Debug", "SlowCallbackDuration", "AdvanceTime", "EnsureFuture", "AsTask",
    ];

    [Theory]
    [MemberData(nameof(LoopThreadOnlyMembers))]
    public void Member_FromAnotherThreadWhileRunning_ThrowsAndChangesNothing(string member)
    {
        var loop = NewLoop();
        var future = loop.CreateFuture<int>();
        Action<EventLoop, ExceptionContext>? handlerBefore = null;
        Exception? error = null;
        loop.RunUntilComplete(async () =>
        {
            handlerBefore = loop.GetExceptionHandler();
            var thread = new Thread(() => error = Record.Exception(() => Call(loop, member, future)));
            thread.Start();
            // Keep the loop running (and on this thread) until the other thread is done.
            while (thread.IsAlive)
                await loop.Sleep(0.001);
            Assert.True(thread.Join(TimeSpan.FromSeconds(10)));
        });
        var wrongThread = Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("Non-thread-safe operation", wrongThread.Message);
        Assert.Equal(0, future.CallbackCount);
        Assert.Same(handlerBefore, loop.GetExceptionHandler());
        Assert.False(loop.EagerTasks);
        Assert.False(loop.Debug);
        Assert.Equal(0.1, loop.SlowCallbackDuration);
        Assert.Empty(loop.AllTasks());
        // The loop still works.
        future.SetResult(1);
        Assert.Equal(1, loop.RunUntilComplete(future));
    }

    [Fact]
    public void TimeoutScopeReschedule_FromAnotherThread_ThrowsAndKeepsTheDeadline()
    {
        var loop = NewLoop();
        Exception? error = null;
        double? whenAfter = null;
        loop.RunUntilComplete(() => loop.Timeout(5.0, async scope =>
        {
            // The refusal needs nothing from the loop, so the loop thread may simply wait for it
            // (polling with sleeps raced the virtual clock to the scope's deadline).
            var thread = new Thread(() => error = Record.Exception(() => scope.Reschedule(1.0)));
            thread.Start();
            Assert.True(thread.Join(TimeSpan.FromSeconds(10)));
            whenAfter = scope.When;
            await loop.Sleep(0);
        }));
        Assert.IsType<InvalidOperationException>(error);
        Assert.Equal(5.0, whenAfter);
    }

    private static void Call(EventLoop loop, string member, Future<int> future)
    {
        switch (member)
        {
            case "Gather": _ = loop.Gather([future]); break;
            case "GatherAwaitables": _ = loop.Gather(Task.CompletedTask, future); break;
            case "Shield": _ = loop.Shield(future); break;
            case "AsCompleted": _ = loop.AsCompleted<int>([future]); break;
            case "Wait": _ = loop.Wait([future]); break;
            case "AllTasks": _ = loop.AllTasks(); break;
            case "DumpTasks": loop.DumpTasks(TextWriter.Null); break;
            case "SnapshotTasks": _ = loop.SnapshotTasks(); break;
            case "SetExceptionHandler": loop.SetExceptionHandler(null); break;
            case "EagerTasks": loop.EagerTasks = true; break;
            case "Debug": loop.Debug = true; break;
            case "SlowCallbackDuration": loop.SlowCallbackDuration = 1; break;
            case "AdvanceTime": loop.AdvanceTime(1); break;
            case "EnsureFuture": _ = loop.EnsureFuture(Task.CompletedTask); break;
            case "AsTask": _ = future.AsTask(); break;
            default: throw new ArgumentOutOfRangeException(nameof(member), member, null);
        }
    }
}
