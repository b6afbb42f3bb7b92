namespace Asyncio.Tests;

/// <summary>Loops for tests: virtual time, and every exception-handler report recorded.</summary>
/// <remarks>
/// A test fails if anything reached the exception handler that it did not take with
/// <see cref="TakeReports"/>: nothing goes unnoticed.
/// </remarks>
public abstract class LoopTest : IDisposable
{
    private readonly List<EventLoop> _loops = [];
    private readonly List<ExceptionContext> _reports = [];

    /// <summary>A new loop on virtual time whose exception handler records into <see cref="TakeReports"/>.</summary>
    protected EventLoop NewLoop()
    {
        var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        loop.SetExceptionHandler((_, context) => _reports.Add(context));
        _loops.Add(loop);
        return loop;
    }

    /// <summary>Returns the reports so far, and forgets them.</summary>
    /// <summary>A loop as <see cref="NewLoop"/> makes, with eager tasks (3.12's <c>eager_task_factory</c>).</summary>
    protected EventLoop NewEagerLoop()
    {
        var loop = NewLoop();
        loop.EagerTasks = true;
        return loop;
    }

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

    public void Dispose()
    {
        foreach (var loop in _loops)
            loop.Close();
        GC.SuppressFinalize(this);
        Assert.True(_reports.Count == 0,
            "unexpected exception-handler reports:\n" + string.Join("\n---\n", _reports));
    }
}
