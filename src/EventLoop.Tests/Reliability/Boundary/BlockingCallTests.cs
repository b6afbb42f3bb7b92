using System.Runtime.CompilerServices;

namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>
/// In debug mode a blocking wait on the loop thread (<c>.Result</c>,
/// <c>.Wait()</c>, <c>GetAwaiter().GetResult()</c> on an unfinished .NET Task, a wait handle) is
/// reported while it still blocks, naming the call and its caller; out of debug mode, nothing.
/// </summary>
/// <remarks>A thread releases each wait after 300 ms of real time: the runs are bounded.</remarks>
public class BlockingCallTests : LoopTest
{
    private EventLoop NewDebugLoop()
    {
        var loop = NewLoop();
        loop.Debug = true;
        loop.SlowCallbackDuration = 0.05;
        return loop;
    }

    /// <summary>A Task completed by another thread after <paramref name="milliseconds"/>.</summary>
    private static Task<int> CompletedLater(int milliseconds = 300)
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
            return block(CompletedLater());
        });
        Assert.Equal(1, loop.RunUntilComplete(task));
        var reports = TakeReports();
        Assert.True(reports.Count == 2, string.Join("\n", reports.Select(r => r.Message))); // the blocking call while it blocks, then the slow step
        Assert.True(reports[0].Message.StartsWith($"Blocking call on the loop thread in <LoopTask pending name='Task-1'>: {call} called from {caller} has blocked the loop for ", StringComparison.Ordinal), reports[0].Message);
        Assert.EndsWith(" seconds and still blocks; await it instead", reports[0].Message);
        Assert.Same(task, reports[0].Task);
        Assert.Contains(caller, reports[0].SourceTraceback);
        Assert.StartsWith("Executing <LoopTask finished name='Task-1' result=1> took ", reports[1].Message); // asyncio: the task, not a handle around it
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
        var reports = new List<ExceptionContext>();
        loop.SetExceptionHandler((_, context) => reports.Add(context));
        loop.SlowCallbackDuration = 0.05;
        using var released = new ManualResetEvent(false);
        new Thread(() =>
        {
            Thread.Sleep(300);
            released.Set();
        }).Start();
        loop.CallSoon(() => released.WaitOne());
        RunOnce(loop);
        Assert.True(reports.Count == 2, string.Join("\n", reports.Select(r => r.Message)));
        Assert.True(reports[0].Message.StartsWith("Blocking call on the loop thread in a callback: WaitHandle.WaitOne called from ", StringComparison.Ordinal), reports[0].Message);
        Assert.Null(reports[0].Task);
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
        Assert.Empty(TakeReports());
    }

    [Fact]
    public void Result_OutOfDebugMode_IsNotReported()
    {
        var loop = NewLoop();
        loop.SlowCallbackDuration = 0.05;
        Assert.Equal(1, loop.RunUntilComplete(async () =>
        {
            await loop.Sleep(0);
            return CompletedLater().Result;
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
        Assert.Empty(TakeReports());
    }
}
