namespace Asyncio.Tests.Core;

public class DebugModeTests : LoopTest
{
    [Fact]
    public void Debug_SlowCallback_IsReportedWithWhatRan()
    {
        var loop = NewLoop();
        loop.Debug = true;
        loop.SlowCallbackDuration = 0; // every callback is "slow": deterministic without sleeping
        loop.CallSoon(SlowOne);
        RunOnce(loop);
        var reports = TakeReports();
        var report = Assert.Single(reports, r => r.Message.Contains("SlowOne"));
        Assert.Matches(@"^Executing <Handle SlowOne\(\)> took \d+\.\d{3} seconds$", report.Message);
        Assert.Null(report.Exception);
        Assert.Contains(nameof(Debug_SlowCallback_IsReportedWithWhatRan), report.SourceTraceback);
    }

    [Fact]
    public void Debug_SlowTaskStep_IsReportedAsTheTaskItself()
    {
        var loop = NewLoop();
        loop.Debug = true;
        loop.SlowCallbackDuration = 0;
        var task = loop.CreateTask(async () => { await loop.Sleep(0); return 1; }, name: "worker");
        loop.RunUntilComplete(task);

        // asyncio's _format_handle shows a task's step as the task: "Executing <Task ...> took".
        var steps = TakeReports().Select(r => r.Message).Where(m => m.StartsWith("Executing <LoopTask", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, steps.Count);
        Assert.Matches(@"^Executing <LoopTask pending name='worker'> took \d+\.\d{3} seconds$", steps[0]);
        Assert.Matches(@"^Executing <LoopTask finished name='worker' result=1> took \d+\.\d{3} seconds$", steps[1]);
    }

    [Fact]
    public void Debug_Off_NothingIsTimedOrRemembered()
    {
        var loop = NewLoop();
        loop.SlowCallbackDuration = 0;
        var handle = loop.CallSoon(SlowOne);
        RunOnce(loop);
        Assert.Empty(TakeReports());
        Assert.Null(handle.SourceTraceback);
    }

    [Fact]
    public void Debug_NeverRetrievedReport_ShowsWhereTheTaskWasCreated()
    {
        var loop = NewLoop();
        loop.Debug = true;
        loop.SlowCallbackDuration = 1000;
        var task = loop.CreateTask(async () => { await loop.Sleep(0); throw new FormatException(); });
        loop.CallLater(1, loop.Stop);
        loop.RunForever();
        loop.Close();
        var report = Assert.Single(TakeReports());
        Assert.Equal("Task exception was never retrieved", report.Message);
        Assert.Contains(nameof(Debug_NeverRetrievedReport_ShowsWhereTheTaskWasCreated), report.SourceTraceback);
        Assert.Contains("source_traceback", report.Keys);
        Assert.Contains("Object created at (most recent call last):", report.ToString());
    }

    [Fact]
    public void SlowCallbackDuration_Negative_Throws()
    {
        var loop = NewLoop();
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.SlowCallbackDuration = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.SlowCallbackDuration = double.NaN);
        Assert.Equal(0.1, loop.SlowCallbackDuration);
    }

    private static void SlowOne()
    {
    }
}
