using Asyncio.Tests.Examples;

namespace Asyncio.Tests.Diagnostics;

public class TextTraceTests : LoopTest
{
    private static StringWriter Writer() => new() { NewLine = "\n" };

    [Fact]
    public void Trace_TimerCompletesFutureThatWakesATask_PrintsEveryPhase()
    {
        var text = Writer();
        var loop = NewLoop();
        TextTrace.Attach(loop, text);
        var future = loop.CreateFuture<int>();
        loop.CallLater(0.25, () => future.SetResult(7));
        var task = loop.CreateTask(async () =>
        {
            int x = await future;
            await loop.Sleep(0);
            return x + 1;
        }, "reader");
        loop.CallSoon(() => { });

        loop.RunUntilComplete(task);

        Assert.Equal(8, task.Result());
        const string lambda = "Trace_TimerCompletesFutureThatWakesATask_PrintsEveryPhase.<locals>.<lambda>()";
        Assert.Equal($$"""
            outside the loop:
              arms a timer for t=0.250: {{lambda}}
              creates task 'reader'
            iteration 1 at t=0.000: 2 callbacks ready, 1 timer pending
              3. from outside the loop: task 'reader' starts, {{lambda}}
              5. run the 2 callbacks ready now:
              5.1 task 'reader' starts
                  awaits Future 1 <Future pending>
              5.2 {{lambda}}
            iteration 2 at t=0.250: 1 callback ready, 0 timers pending
              2. nothing was ready: the clock jumps 0.250 s (virtual time)
              4. timer due: {{lambda}} (t=0.250)
              5. run the 1 callback ready now:
              5.1 timer {{lambda}}
                  completes Future 1 <Future finished result=7>
                  → next iteration: task 'reader' resumes
            iteration 3 at t=0.250: 1 callback ready, 0 timers pending
              5. run the 1 callback ready now:
              5.1 task 'reader' resumes
                  woken by Future 1 <Future finished result=7>
                  awaits no loop Future (a yield, or a .NET Task)
                  → next iteration: task 'reader' resumes
            iteration 4 at t=0.250: 1 callback ready, 0 timers pending
              5. run the 1 callback ready now:
              5.1 task 'reader' resumes
                  task 'reader' is done: <LoopTask finished name='reader' result=8>
                  → next iteration: _run_until_complete_cb(<LoopTask finished name='reader' result=8>)
            iteration 5 at t=0.250: 1 callback ready, 0 timers pending
              5. run the 1 callback ready now:
              5.1 _run_until_complete_cb(<LoopTask finished name='reader' result=8>)

            """.Replace("\r\n", "\n"), text.ToString());
    }

    [Fact]
    public void Trace_CallbackSchedulingABurst_ListsEightAndCountsTheRest()
    {
        var text = Writer();
        var loop = NewLoop();
        TextTrace.Attach(loop, text);
        loop.CallSoon(() =>
        {
            for (int i = 0; i < 1000; i++)
                loop.CallSoon(() => { });
            loop.CallSoon(loop.Stop);
        });

        loop.RunForever();

        string[] lines = text.ToString().Split('\n');
        string name = "Trace_CallbackSchedulingABurst_ListsEightAndCountsTheRest.<locals>.<lambda>()";
        Assert.Equal("      → next iteration: " + string.Join(", ", Enumerable.Repeat(name, 8)) + ", and 993 more", lines[4]);
        Assert.Equal("iteration 2 at t=0.000: 1001 callbacks ready, 0 timers pending", lines[5]);
    }

    [Fact]
    public void Trace_CancelledHandle_IsShownSkipped()
    {
        var text = Writer();
        var loop = NewLoop();
        TextTrace.Attach(loop, text);
        var handle = loop.CallSoon(() => throw new InvalidOperationException("must not run"));
        handle.Cancel();
        loop.CallSoon(loop.Stop);

        loop.RunForever();

        Assert.Equal(
            "iteration 1 at t=0.000: 2 callbacks ready, 0 timers pending\n" +
            "  3. from outside the loop: a cancelled callback, Stop()\n" +
            "  5. run the 2 callbacks ready now:\n" +
            "  5.1 a cancelled callback: skipped\n" +
            "  5.2 Stop()\n", text.ToString());
    }

    [Fact]
    public void Options_Trace_IsTheLoopsObserverFromTheStart()
    {
        var text = Writer();
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true, Trace = text });

        Assert.IsType<TextTrace>(loop.Observer);
        loop.RunUntilComplete(loop.CreateTask(async () => await loop.Sleep(2), "sleeper"));

        Assert.Contains("  2. nothing was ready: the clock jumps 2.000 s (virtual time)\n", text.ToString());
        Assert.StartsWith("outside the loop:\n  creates task 'sleeper'\niteration 1 at t=0.000: 1 callback ready, 0 timers pending\n", text.ToString());
    }

    [Fact]
    public void Attach_MidIteration_StartsAtTheNextIteration()
    {
        var text = Writer();
        var loop = NewLoop();
        loop.RunUntilComplete(loop.CreateTask(async () =>
        {
            TextTrace.Attach(loop, text);
            _ = loop.CreateTask(async () => await loop.Sleep(0), "unseen creation");
            await loop.Sleep(0);
        }, "main"));

        Assert.StartsWith("iteration 1 at t=0.000: 2 callbacks ready, 0 timers pending\n", text.ToString());
        Assert.DoesNotContain("unseen creation'\n", text.ToString().Split("iteration 1")[0]);
    }

    [Fact]
    public void Constructor_RefusesNulls()
    {
        var loop = NewLoop();
        Assert.Throws<ArgumentNullException>("loop", () => new TextTrace(null!, TextWriter.Null));
        Assert.Throws<ArgumentNullException>("writer", () => new TextTrace(loop, null!));
    }
}

/// <summary>The environment variable turns the trace on for loops created without options; in the console collection, which no other test runs beside.</summary>
[Collection(nameof(ConsoleCollection))]
public class TextTraceEnvironmentTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void FromEnvironment_TraceVariable_TracesToTheConsole(string? value, bool traced)
    {
        string? previous = Environment.GetEnvironmentVariable(EventLoopOptions.TraceVariable);
        Environment.SetEnvironmentVariable(EventLoopOptions.TraceVariable, value);
        try
        {
            var options = EventLoopOptions.FromEnvironment();
            Assert.Equal(traced ? Console.Out : null, options.Trace);
        }
        finally
        {
            Environment.SetEnvironmentVariable(EventLoopOptions.TraceVariable, previous);
        }
    }

    [Fact]
    public void FromEnvironment_TraceVariable_DoesNotTouchLoopsGivenOptions()
    {
        string? previous = Environment.GetEnvironmentVariable(EventLoopOptions.TraceVariable);
        Environment.SetEnvironmentVariable(EventLoopOptions.TraceVariable, "1");
        try
        {
            using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
            Assert.Null(loop.Observer);
        }
        finally
        {
            Environment.SetEnvironmentVariable(EventLoopOptions.TraceVariable, previous);
        }
    }
}
