namespace Asyncio.Tests;

/// <summary>The one loop fixture of the tests: loops on virtual time (or, for sockets, threads and processes, on real time), every exception-handler report recorded.</summary>
/// <remarks>
/// A test fails if anything reached the exception handler that it did not take with
/// <see cref="TakeReports"/>: nothing goes unnoticed. A run on real time is bounded by a guard
/// timer (<see cref="Run{T}(EventLoop, Func{Task{T}}, double)"/>): one that outlives it cancels
/// its main task and fails with <see cref="TimeoutException"/> instead of hanging.
/// </remarks>
public abstract class LoopTest : IDisposable
{
    private readonly List<EventLoop> _loops = [];
    private readonly List<ExceptionContext> _reports = [];

    /// <summary>A new loop on virtual time whose exception handler records into <see cref="TakeReports"/>.</summary>
    protected EventLoop NewLoop() => Track(new EventLoop(new EventLoopOptions { VirtualTime = true }));

    /// <summary>A new loop on real time whose exception handler records into <see cref="TakeReports"/>.</summary>
    protected EventLoop NewRealLoop() => Track(new EventLoop(new EventLoopOptions { VirtualTime = false }));

    /// <summary>Gives a loop made with other options the same exception-handler record and closing.</summary>
    protected EventLoop Track(EventLoop loop)
    {
        loop.SetExceptionHandler((_, context) => _reports.Add(context));
        _loops.Add(loop);
        return loop;
    }

    /// <summary>A loop as <see cref="NewLoop"/> makes, with eager tasks (3.12's <c>eager_task_factory</c>).</summary>
    protected EventLoop NewEagerLoop()
    {
        var loop = NewLoop();
        loop.EagerTasks = true;
        return loop;
    }

    /// <summary>Returns the reports so far, and forgets them.</summary>
    protected List<ExceptionContext> TakeReports()
    {
        var taken = _reports.ToList();
        _reports.Clear();
        return taken;
    }

    /// <summary>Runs exactly one iteration: asyncio's <c>test_utils.run_once</c>.</summary>
    protected static void RunOnce(EventLoop loop)
    {
        loop.CallSoon(loop.Stop);
        loop.RunForever();
    }

    /// <summary>asyncio's <c>with self.assertRaises(T):</c> around an <c>await</c>, awaited in the loop task itself.</summary>
    /// <remarks>xunit's <c>Assert.ThrowsAsync</c> is avoided inside loop tasks: this awaits on the task's own context.</remarks>
    protected static async Task<T> Raises<T>(Func<Task> code) where T : Exception
    {
        try
        {
            await code();
        }
        catch (Exception exception)
        {
            return Assert.IsType<T>(exception);
        }
        throw new Xunit.Sdk.XunitException($"Expected {typeof(T).Name}, but nothing was thrown.");
    }

    /// <summary>Runs <paramref name="main"/> as a task to its end, failing after <paramref name="seconds"/> of real time.</summary>
    protected static T Run<T>(EventLoop loop, Func<Task<T>> main, double seconds = 10)
    {
        var task = loop.CreateTask(main);
        bool timedOut = false;
        var guard = loop.CallLater(seconds, () =>
        {
            timedOut = true;
            task.Cancel("the test's time guard fired");
        });
        try
        {
            return loop.RunUntilComplete(task);
        }
        catch (CancelledError) when (timedOut)
        {
            throw new TimeoutException($"the test did not finish within {seconds} s");
        }
        finally
        {
            guard.Cancel();
        }
    }

    /// <summary>Runs <paramref name="main"/> as a task to its end, failing after <paramref name="seconds"/> of real time.</summary>
    protected static void Run(EventLoop loop, Func<Task> main, double seconds = 10) =>
        Run(loop, async () =>
        {
            await main();
            return true;
        }, seconds);

    public void Dispose()
    {
        foreach (var loop in _loops)
            loop.Close();
        GC.SuppressFinalize(this);
        Assert.True(_reports.Count == 0,
            "unexpected exception-handler reports:\n" + string.Join("\n---\n", _reports));
    }
}
