namespace Asyncio.Tests;

/// <summary>Loops on real time for tests about sockets, threads and processes, each run bounded by a guard timer.</summary>
/// <remarks>
/// As <see cref="LoopTest"/>: every exception-handler report is recorded, and a test fails if one
/// was left untaken. A run that outlives its guard cancels its main task and fails with
/// <see cref="TimeoutException"/> instead of hanging.
/// </remarks>
public abstract class RealTimeLoopTest : IDisposable
{
    private readonly List<EventLoop> _loops = [];
    private readonly List<ExceptionContext> _reports = [];

    /// <summary>A new loop on real time whose exception handler records into <see cref="TakeReports"/>.</summary>
    protected EventLoop NewRealLoop()
    {
        var loop = new EventLoop(new EventLoopOptions { VirtualTime = false });
        loop.SetExceptionHandler((_, context) => _reports.Add(context));
        _loops.Add(loop);
        return loop;
    }

    /// <summary>Returns the reports so far, and forgets them.</summary>
    protected List<ExceptionContext> TakeReports()
    {
        var taken = _reports.ToList();
        _reports.Clear();
        return taken;
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
