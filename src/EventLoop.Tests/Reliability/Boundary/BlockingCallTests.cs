using System.Runtime.CompilerServices;

namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>
/// In debug mode a blocking wait on the loop thread (<c>.Result</c>,
/// <c>.Wait()</c>, <c>GetAwaiter().GetResult()</c> on an unfinished .NET Task, a wait handle) is
/// reported while it still blocks, naming the call and its caller; out of debug mode, nothing.
/// </summary>
/// <remarks>
/// A thread releases each wait once the blocking report has been made (or after 30 s, so a
/// regression fails instead of hanging): no fixed real-time delay that a loaded machine could
/// outrun. Slow-step reports other than the blocked step's may appear on a loaded machine and
/// are not counted.
/// </remarks>
public class BlockingCallTests : LoopTest
{
    private const string BlockingReport = "Blocking call on the loop thread in ";

    private readonly List<ExceptionContext> _reports = [];
    private readonly ManualResetEventSlim _blockingReported = new();

    private EventLoop NewDebugLoop()
    {
        var loop = NewLoop();
        loop.Debug = true;
        loop.SlowCallbackDuration = 0.05;
        loop.SetExceptionHandler((_, context) => Record(context));
        return loop;
    }

    private void Record(ExceptionContext context)
    {
        lock (_reports)
            _reports.Add(context);
        if (context.Message.StartsWith(BlockingReport, StringComparison.Ordinal))
            _blockingReported.Set();
    }

    private List<ExceptionContext> Reports(string prefix)
    {
        lock (_reports)
            return _reports.Where(r => r.Message.StartsWith(prefix, StringComparison.Ordinal)).ToList();
    }

    /// <summary>A Task completed by another thread once the blocking report has been made.</summary>
    private Task<int> CompletedAfterTheReport()
    {
        var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            _blockingReported.Wait(TimeSpan.FromSeconds(30));
            source.SetResult(1);
        }).Start();
        return source.Task;
    }

    /// <summary>A Task completed by another thread after <paramref name="milliseconds"/>.</summary>
    private static Task<int> CompletedLater(int milliseconds)
    {
        var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            Thread.Sleep(milliseconds);
            source.SetResult(1);
        }).Start();
        return source.Task;
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // named in the report, in Release too
    private static int BlockOnResult(Task<int> task) => task.Result;

    [MethodImpl(MethodImplOptions.NoInlining)] // named in the report, in Release too
    private static void BlockOnWait(Task task) => task.Wait();

    [MethodImpl(MethodImplOptions.NoInlining)] // named in the report, in Release too
    private static int BlockOnGetResult(Task<int> task) => task.GetAwaiter().GetResult();

    private void AssertBlockingReport(EventLoop loop, Func<Task<int>, int> block, string call, string caller)
    {
        var task = loop.CreateTask(async () =>
        {
            await loop.Sleep(0);
            return block(CompletedAfterTheReport());
        });
        Assert.Equal(1, loop.RunUntilComplete(task));
        // The blocking call while it blocks, then the slow step, the task itself (asyncio: not a handle around it).
        var blocking = Assert.Single(Reports(BlockingReport));
        Assert.True(blocking.Message.StartsWith($"Blocking call on the loop thread in <LoopTask pending name='Task-1'>: {call} called from {caller} has blocked the loop for ", StringComparison.Ordinal), blocking.Message);
        Assert.EndsWith(" seconds and still blocks; await it instead", blocking.Message);
        Assert.Same(task, blocking.Task);
        Assert.Contains(caller, blocking.SourceTraceback);
        Assert.Single(Reports("Executing <LoopTask finished name='Task-1' result=1> took "));
    }

    [Fact]
    public void Result_OnAnUnfinishedTaskInsideALoopTask_IsReportedNamingTheCall() =>
        AssertBlockingReport(NewDebugLoop(), BlockOnResult, "Task.Result", "BlockingCallTests.BlockOnResult");

    [Fact]
    public void Wait_OnAnUnfinishedTaskInsideALoopTask_IsReportedNamingTheCall() =>
        AssertBlockingReport(NewDebugLoop(), t => { BlockOnWait(t); return 1; }, "Task.Wait", "BlockingCallTests.BlockOnWait");

    [Fact]
    public void GetAwaiterGetResult_OnAnUnfinishedTaskInsideALoopTask_IsReportedNamingTheCall() =>
        AssertBlockingReport(NewDebugLoop(), BlockOnGetResult, "TaskAwaiter.GetResult", "BlockingCallTests.BlockOnGetResult");

    [Fact]
    public void WaitOne_InAPlainCallback_IsReportedAsACallback()
    {
        // Debug mode from the start: the loop's own context is made with the loop.
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true, Debug = true });
        loop.SetExceptionHandler((_, context) => Record(context));
        loop.SlowCallbackDuration = 0.05;
        using var released = new ManualResetEvent(false);
        new Thread(() =>
        {
            _blockingReported.Wait(TimeSpan.FromSeconds(30));
            released.Set();
        }).Start();
        loop.CallSoon(() => released.WaitOne());
        RunOnce(loop);
        var blocking = Assert.Single(Reports(BlockingReport));
        Assert.True(blocking.Message.StartsWith("Blocking call on the loop thread in a callback: WaitHandle.WaitOne called from ", StringComparison.Ordinal), blocking.Message);
        Assert.Null(blocking.Task);
        Assert.Single(Reports("Executing <Handle "));
    }

    [Fact]
    public void Result_OfATaskThatFinishesWithinSlowCallbackDuration_IsNotReported()
    {
        var loop = NewDebugLoop();
        loop.SlowCallbackDuration = 5;
        Assert.Equal(1, loop.RunUntilComplete(async () =>
        {
            await loop.Sleep(0);
            return CompletedLater(20).Result;
        }));
        Assert.Empty(Reports(""));
    }

    [Fact]
    public void Result_OutOfDebugMode_IsNotReported()
    {
        var loop = NewLoop();
        loop.SlowCallbackDuration = 0.05;
        Assert.Equal(1, loop.RunUntilComplete(async () =>
        {
            await loop.Sleep(0);
            return CompletedLater(300).Result;
        }));
        Assert.Empty(TakeReports());
    }

    [Fact]
    public void LoopOwnWait_ForRealWorkInDebugMode_IsNotReported()
    {
        var loop = NewDebugLoop();
        Assert.Equal(3, loop.RunUntilComplete(async () => await loop.ToThread(() =>
        {
            Thread.Sleep(200);
            return 3;
        })));
        Assert.Empty(Reports(BlockingReport));
    }
}
