using Asyncio.Testing;

namespace Asyncio.Tests.Docs;

/// <summary>The code shown in docs/testing-with-virtual-time.md about the test kit (EventLoop.Testing), compiled and run.</summary>
/// <remarks>The regions are copied into the document as <see cref="DocSnippets"/>' are.</remarks>
public class TestingKitSnippets
{
    // begin-snippet: test-loop
    [Fact]
    public void Heartbeat_BeatsEverySecond()
    {
        using var test = new TestLoop();         // virtual time; Dispose fails the test on any report
        var loop = test.Loop;
        var beats = new List<double>();
        var heartbeat = loop.CreateTask(async () =>
        {
            while (true)
            {
                await loop.Sleep(1);
                beats.Add(loop.Time());
            }
        });

        test.Advance(2.5);                       // runs all that is due up to 2.5 s, stops exactly there
        Assert.Equal([1.0, 2.0], beats);
        Assert.Equal(2.5, test.Time);

        heartbeat.Cancel();
        test.RunUntilIdle();                     // the cancellation lands; the clock does not move
        test.AssertAllTasksDone();
    }
    // end-snippet

    [Fact]
    public void TakeReports_ExpectedReport()
    {
        // begin-snippet: test-loop-take-reports
        using var test = new TestLoop();
        test.Loop.CallSoon(() => throw new InvalidOperationException("boom"));
        test.RunUntilIdle();

        // Expected: take it, or Dispose fails the test with it.
        var report = Assert.Single(test.TakeReports());
        Assert.Equal("boom", report.Exception!.Message);
        // end-snippet
    }

    [Fact]
    public void Dispose_ForgottenFailure()
    {
        // begin-snippet: test-loop-failure
        var test = new TestLoop();
        test.Loop.CreateTask(async () =>
        {
            await test.Loop.Sleep(1);
            throw new IOException("disk full");   // nobody awaits this task
        });
        test.Advance(1);

        // What the test framework shows when the test ends (here caught to look at it):
        var failure = Assert.Throws<LoopAssertionException>(test.Dispose);
        Assert.StartsWith("The event loop reported 1 problem that the test did not take with TestLoop.TakeReports():\n" +
                          "[1] Task exception was never retrieved", failure.Message);
        Assert.IsType<IOException>(failure.InnerException);
        // end-snippet
    }

    [Fact]
    public void AssertAllTasksDone_Pending()
    {
        // begin-snippet: test-loop-all-tasks-done
        using var test = new TestLoop();
        var gate = test.Loop.CreateFuture<int>();
        test.Loop.CreateTask(async () => await gate, "waiter");
        test.Advance(5);

        var e = Assert.Throws<LoopAssertionException>(test.AssertAllTasksDone);
        Assert.Equal("Not every task is done: 1 pending task at loop time 5\n" +
                     "  waiter: waits on <Future pending>", e.Message);

        gate.SetResult(1);
        test.RunUntilIdle();
        test.AssertAllTasksDone();
        // end-snippet
    }
}
