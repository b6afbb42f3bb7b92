namespace Asyncio.Tests.Core;

/// <summary>EventLoopRunner: asyncio.Runner (3.11).</summary>
public class EventLoopRunnerTests : LoopTest
{
    private EventLoopRunner NewRunner(List<EventLoop>? made = null) => new(() =>
    {
        var loop = NewLoop();
        made?.Add(loop);
        return loop;
    });

    [Fact]
    public void Run_SeveralCoroutines_ShareOneLoopAndItsClock()
    {
        using var runner = NewRunner();
        var loop = runner.GetLoop();
        async Task<double> Nap() { await EventLoop.GetRunningLoop().Sleep(0.5); return EventLoop.GetRunningLoop().Time(); }

        Assert.Equal(0.5, runner.Run(Nap));
        Assert.Equal(1.0, runner.Run(() => Nap()));
        runner.Run(async () => await loop.Sleep(1));
        Assert.Same(loop, runner.GetLoop());
        Assert.Equal(2.0, loop.Time());
    }

    [Fact]
    public void Run_CoroutineOverloads_ReturnAndRethrow()
    {
        using var runner = NewRunner();
        var loop = runner.GetLoop();
        async Coroutine<int> Answer() { await loop.Sleep(1); return 42; }
        async Coroutine Fail() { await loop.Sleep(1); throw new FormatException("bad"); }

        Assert.Equal(42, runner.Run(Answer()));
        Assert.Equal("bad", Assert.Throws<FormatException>(() => runner.Run(Fail())).Message);
        Assert.Equal(2.0, loop.Time());
    }

    [Fact]
    public void Run_TaskLeftPending_GoesOnInTheNextRunAndIsCancelledByClose()
    {
        var log = new List<string>();
        var runner = NewRunner();
        var loop = runner.GetLoop();
        async Task Background()
        {
            try
            {
                while (true)
                {
                    await loop.Sleep(1);
                    log.Add($"tick at {loop.Time()}");
                }
            }
            catch (CancelledError)
            {
                log.Add($"background cancelled at {loop.Time()}");
                throw;
            }
        }

        runner.Run(async () => { _ = loop.CreateTask(Background); await loop.Sleep(1.5); });
        runner.Run(async () => await loop.Sleep(1));
        runner.Close();

        Assert.Equal(["tick at 1", "tick at 2", "background cancelled at 2.5"], log);
        Assert.True(loop.IsClosed);
        Assert.Empty(loop.AllTasks());
    }

    [Fact]
    public void Close_TaskFailingWhileCancelled_IsReported()
    {
        var runner = NewRunner();
        var loop = runner.GetLoop();
        var error = new FormatException("while cancelled");
        LoopTask? task = null;
        runner.Run(async () =>
        {
            task = loop.CreateTask(async () =>
            {
                try { await loop.Sleep(10); }
                catch (CancelledError) { throw error; }
            });
            await loop.Sleep(0);
        });

        runner.Close();

        var report = Assert.Single(TakeReports());
        Assert.Equal("unhandled exception during asyncio.run() shutdown", report.Message);
        Assert.Same(error, report.Exception);
        Assert.Same(task, report.Task);
    }

    [Fact]
    public void Close_ExceptionNeverRetrieved_IsReported()
    {
        var runner = NewRunner();
        var loop = runner.GetLoop();
        runner.Run(async () =>
        {
            _ = loop.CreateTask(() => throw new FormatException("lost"));
            await loop.Sleep(1);
        });

        runner.Close();

        var report = Assert.Single(TakeReports());
        Assert.Equal("Task exception was never retrieved", report.Message);
        Assert.Equal("lost", report.Exception!.Message);
    }

    [Fact]
    public void Close_Twice_IsIdempotentAndTheRunnerRefusesEverything()
    {
        // cpython: test_runners.py::RunnerTests::test_explicit_close, ::test_double_close
        var runner = NewRunner();
        var loop = runner.GetLoop();
        runner.Close();
        runner.Close();
        runner.Dispose();

        Assert.True(loop.IsClosed);
        Assert.Equal("Runner is closed", Assert.Throws<InvalidOperationException>(() => runner.Run(() => Task.CompletedTask)).Message);
        Assert.Equal("Runner is closed", Assert.Throws<InvalidOperationException>(runner.GetLoop).Message);
    }

    [Fact]
    public void Close_BeforeFirstUse_MakesNoLoopAndLeavesTheRunnerUsable()
    {
        // asyncio: close() on a runner that never made its loop does nothing (its state stays CREATED).
        var made = new List<EventLoop>();
        using var runner = NewRunner(made);
        runner.Close();
        Assert.Empty(made);

        Assert.Equal(3, runner.Run(() => Task.FromResult(3)));
        Assert.Single(made);
    }

    [Fact]
    public void Run_InsideARunningLoop_ThrowsBeforeMakingTheLoop()
    {
        // cpython: test_runners.py::RunnerTests::test_recursive_run (the message)
        var made = new List<EventLoop>();
        using var inner = NewRunner(made);
        var outer = NewLoop();
        Exception? caught = null;
        outer.CallSoon(() => caught = Record.Exception(() => inner.Run(() => Task.CompletedTask)));
        RunOnce(outer);

        Assert.Equal("Runner.run() cannot be called from a running event loop", Assert.IsType<InvalidOperationException>(caught).Message);
        Assert.Empty(made);
    }

    [Fact]
    public void Close_FromInsideItsRunningLoop_ThrowsAndChangesNothing()
    {
        using var runner = NewRunner();
        var loop = runner.GetLoop();
        Exception? caught = null;
        runner.Run(async () => { caught = Record.Exception(runner.Close); await loop.Sleep(1); });

        Assert.Equal("Cannot close a running event loop", Assert.IsType<InvalidOperationException>(caught).Message);
        Assert.False(loop.IsClosed);
        Assert.Equal(2, runner.Run(() => Task.FromResult(2)));
    }

    [Fact]
    public void Run_CancelledMain_ThrowsCancelledError()
    {
        using var runner = NewRunner();
        var loop = runner.GetLoop();
        Assert.Throws<CancelledError>(() => runner.Run(async () =>
        {
            loop.CurrentTask!.Cancel();
            await loop.Sleep(1);
        }));
    }

    [Fact]
    public void Constructor_Options_MakeTheLoop()
    {
        using var runner = new EventLoopRunner(new EventLoopOptions { VirtualTime = true, Debug = true });
        var loop = runner.GetLoop();
        Assert.True(loop.IsVirtualTime);
        Assert.True(loop.Debug);
        runner.Run(async () => await loop.Sleep(3600));
        Assert.Equal(3600.0, loop.Time());
    }

    [Fact]
    public void Run_NullCoroutine_ThrowsBeforeMakingTheLoop()
    {
        var made = new List<EventLoop>();
        using var runner = NewRunner(made);
        Assert.Throws<ArgumentNullException>(() => runner.Run((Func<Task>)null!));
        Assert.Throws<InvalidOperationException>(() => runner.Run(default(Coroutine)));
        Assert.Empty(made);
    }
}
