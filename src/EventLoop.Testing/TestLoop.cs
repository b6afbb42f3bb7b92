using System.Globalization;
using System.Text;

namespace Asyncio.Testing;

/// <summary>An <see cref="EventLoop"/> on virtual time for a unit test, which fails the test when the loop reports anything the test did not expect.</summary>
/// <remarks>
/// <para>asyncio: no twin in the library; CPython's own <c>test.test_asyncio.utils.TestCase</c>
/// (a test loop, <c>run_briefly</c>, and a failure when the exception handler was called) is
/// the model.</para>
/// <para>Every report the loop's exception handler receives (an exception escaping a callback,
/// "Task exception was never retrieved", "Task was destroyed but it is pending!", an error
/// while shutting down) is kept. <see cref="Dispose"/> closes the loop, which reports what is
/// left, and throws a <see cref="LoopAssertionException"/> listing every report the test did not
/// take with <see cref="TakeReports"/>. It needs no test framework: any framework shows an
/// exception thrown by the test or its cleanup as a failure. Replacing the loop's exception
/// handler turns this off.</para>
/// <para>The clock is virtual: it starts at 0 and moves only when the loop has nothing to do now
/// (then it jumps to the next timer) or when <see cref="Advance(double)"/> moves it. Use it
/// from the test's thread, as the loop it owns.</para>
/// </remarks>
public sealed class TestLoop : IDisposable
{
    // A callback chain that never lets the loop go idle (a task polling with Sleep(0)) fails the
    // test at this many iterations instead of hanging it.
    private const int IdleIterationLimit = 100_000;

    private readonly List<ExceptionContext> _reports = [];
    private readonly IterationProbe _probe = new();

    /// <summary>A test loop on virtual time, with deadlock detection.</summary>
    /// <remarks>asyncio: <c>asyncio.new_event_loop()</c> with a test clock.</remarks>
    public TestLoop() : this(new EventLoopOptions { VirtualTime = true })
    {
    }

    /// <summary>A test loop with <paramref name="options"/> (debug mode, eager tasks, deadlock detection), which must choose virtual time.</summary>
    /// <remarks>asyncio: <c>asyncio.new_event_loop()</c> with a test clock.</remarks>
    /// <exception cref="ArgumentException"><see cref="EventLoopOptions.VirtualTime"/> is <see langword="false"/>.</exception>
    public TestLoop(EventLoopOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.VirtualTime)
            throw new ArgumentException("A TestLoop runs on virtual time: set EventLoopOptions.VirtualTime.", nameof(options));
        Loop = new EventLoop(options);
        Loop.SetExceptionHandler((_, context) => _reports.Add(context));
    }

    /// <summary>The loop under test.</summary>
    /// <remarks>asyncio: the test case's <c>self.loop</c>.</remarks>
    public EventLoop Loop { get; }

    /// <summary>The loop's virtual clock, in seconds: <see cref="EventLoop.Time"/>.</summary>
    /// <remarks>asyncio: <c>loop.time()</c>.</remarks>
    public double Time => Loop.Time();

    /// <summary>The reports received and not yet taken, in the order they came.</summary>
    /// <remarks>asyncio: no twin. Reading them does not take them: use <see cref="TakeReports"/>.</remarks>
    public IReadOnlyList<ExceptionContext> Reports => _reports.ToArray();

    /// <summary>Returns the reports received so far and forgets them, so that <see cref="Dispose"/> does not fail the test for them.</summary>
    /// <remarks>asyncio: no twin; what a test does with <c>mock.patch</c> on the exception handler.</remarks>
    public IReadOnlyList<ExceptionContext> TakeReports()
    {
        var taken = _reports.ToArray();
        _reports.Clear();
        return taken;
    }

    /// <summary>Runs iterations until nothing is ready and no timer is due, without moving the clock.</summary>
    /// <remarks>
    /// <para>asyncio: <c>test_utils.run_briefly(loop)</c>, repeated until idle.</para>
    /// <para>Throws <see cref="LoopAssertionException"/> when the loop is still busy after 100 000
    /// iterations (something reschedules itself without waiting on time).</para>
    /// </remarks>
    public void RunUntilIdle()
    {
        for (int i = 0; i < IdleIterationLimit; i++)
        {
            if (RunOneIteration() == 0)
                return;
        }
        var pending = Loop.SnapshotTasks();
        throw new LoopAssertionException(
            $"The loop was still busy after {IdleIterationLimit} iterations at loop time {Format(Time)}: something reschedules itself without waiting on time.\n" + DescribeTasks(),
            [], pending);
    }

    /// <summary>Moves the virtual clock forward by <paramref name="seconds"/>, running every callback and timer due on the way, in order, and leaves the clock exactly there.</summary>
    /// <remarks>
    /// <para>asyncio: no twin; <c>loop.advance_time()</c> of CPython's <c>TestLoop</c>, plus the
    /// iterations it makes possible.</para>
    /// <para>Timers fire at their own deadlines (the clock jumps from one to the next), so a
    /// callback sees the time it asked for; what is ready at the end is run too
    /// (<see cref="RunUntilIdle"/>). <c>Advance(0)</c> is <see cref="RunUntilIdle"/>.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is negative, infinite or NaN.</exception>
    public void Advance(double seconds)
    {
        if (double.IsNaN(seconds) || seconds < 0 || double.IsInfinity(seconds))
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "Time only moves forward, by a finite number of seconds: give zero or more.");
        AdvanceTo(Time + seconds);
    }

    /// <summary>Moves the virtual clock forward by <paramref name="delay"/>; see <see cref="Advance(double)"/>.</summary>
    /// <remarks>asyncio: no twin; see <see cref="Advance(double)"/>.</remarks>
    public void Advance(TimeSpan delay) => Advance(delay.TotalSeconds);

    /// <summary>Moves the virtual clock forward to the loop time <paramref name="when"/>, running everything due on the way; see <see cref="Advance(double)"/>.</summary>
    /// <remarks>asyncio: no twin; see <see cref="Advance(double)"/>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="when"/> is earlier than now, infinite or NaN.</exception>
    public void AdvanceTo(double when)
    {
        if (double.IsNaN(when) || when < Time || double.IsInfinity(when))
            throw new ArgumentOutOfRangeException(nameof(when), when, $"Virtual time is {Format(Time)}: give a finite time, never earlier.");
        // A timer of our own at the target: the loop jumps from deadline to deadline up to it, and
        // stops in the iteration it fires in (equal deadlines run in that same iteration).
        bool reached = false;
        var sentinel = Loop.CallAt(when, () =>
        {
            reached = true;
            Loop.Stop();
        });
        try
        {
            while (!reached)
                Loop.RunForever(); // a test's own Stop() returns early: go on
        }
        finally
        {
            sentinel.Cancel();
        }
        RunUntilIdle();
    }

    /// <summary>Runs <paramref name="coroutine"/> as a task until it is done, and rethrows its exception: <see cref="EventLoop.RunUntilComplete(Func{Task})"/>.</summary>
    /// <remarks>asyncio: <c>loop.run_until_complete(coro())</c>. The clock jumps over every wait.</remarks>
    public void Run(Func<Task> coroutine) => Loop.RunUntilComplete(coroutine);

    /// <summary>Runs <paramref name="coroutine"/> as a task until it is done; returns its result or rethrows: <see cref="EventLoop.RunUntilComplete{T}(Func{Task{T}})"/>.</summary>
    /// <remarks>asyncio: <c>loop.run_until_complete(coro())</c>. The clock jumps over every wait.</remarks>
    public T Run<T>(Func<Task<T>> coroutine) => Loop.RunUntilComplete(coroutine);

    /// <summary>Throws <see cref="LoopAssertionException"/> when a task of the loop is still pending, listing each with what it waits on.</summary>
    /// <remarks>asyncio: <c>assert not asyncio.all_tasks(loop)</c>, with <see cref="EventLoop.DumpTasks"/> as the message.</remarks>
    public void AssertAllTasksDone()
    {
        var pending = Loop.SnapshotTasks();
        if (pending.Count > 0)
            throw new LoopAssertionException("Not every task is done: " + DescribeTasks(), [], pending);
    }

    /// <summary>Throws <see cref="LoopAssertionException"/>, and takes the reports, when the exception handler received anything the test has not taken.</summary>
    /// <remarks>asyncio: no twin; what <see cref="Dispose"/> checks, at a point of the test's choosing.</remarks>
    public void AssertNoReports()
    {
        if (_reports.Count > 0)
            throw ReportsFailure(TakeReports(), "");
    }

    /// <summary>Closes the loop, then throws <see cref="LoopAssertionException"/> when the exception handler received anything the test did not take.</summary>
    /// <remarks>
    /// <para>asyncio: <c>loop.close()</c> in a test's <c>tearDown</c>, and the check of
    /// <c>test_utils.TestCase</c>.</para>
    /// <para>Closing reports the tasks still pending ("Task was destroyed but it is pending!")
    /// and exceptions never retrieved, so these fail the test too; the message then also lists
    /// the pending tasks with what they wait on. Idempotent. Throws
    /// <see cref="InvalidOperationException"/> from inside the running loop.</para>
    /// </remarks>
    public void Dispose()
    {
        if (Loop.IsRunning)
            throw new InvalidOperationException("Cannot close a running event loop");
        string pending = "";
        if (!Loop.IsClosed && Loop.SnapshotTasks().Count > 0)
            pending = "\nPending when the loop closed: " + DescribeTasks();
        Loop.Close();
        if (_reports.Count > 0)
            throw ReportsFailure(TakeReports(), pending);
    }

    private static LoopAssertionException ReportsFailure(IReadOnlyList<ExceptionContext> reports, string pending)
    {
        var text = new StringBuilder();
        text.Append("The event loop reported ").Append(reports.Count).Append(reports.Count == 1 ? " problem" : " problems")
            .Append(" that the test did not take with TestLoop.TakeReports():");
        for (int i = 0; i < reports.Count; i++)
            text.Append("\n[").Append(i + 1).Append("] ").Append(reports[i].ToString().Replace(Environment.NewLine, "\n    ", StringComparison.Ordinal));
        text.Append(pending);
        return new LoopAssertionException(text.ToString(), reports, []);
    }

    private string DescribeTasks()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Loop.DumpTasks(writer);
        return writer.ToString().TrimEnd('\n');
    }

    private static string Format(double time) => time.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Runs exactly one iteration, never blocking and never moving the clock, and returns how many callbacks it ran.</summary>
    /// <remarks>
    /// The loop's own <see cref="EventLoop.RunOnce(TimeSpan)"/> with <see cref="TimeSpan.Zero"/>;
    /// the probe reads phase 5's count, so that a chain that never goes idle can be stopped at
    /// <see cref="IdleIterationLimit"/> (the loop's RunUntilIdle has no such limit).
    /// </remarks>
    private int RunOneIteration()
    {
        var previous = Loop.Observer;
        LoopObserver installed = previous is null ? _probe : new CompositeObserver(_probe, previous);
        _probe.Ran = 0;
        Loop.Observer = installed;
        try
        {
            Loop.RunOnce(TimeSpan.Zero);
        }
        finally
        {
            if (ReferenceEquals(Loop.Observer, installed))
                Loop.Observer = previous;
        }
        return _probe.Ran;
    }

    private sealed class IterationProbe : LoopObserver
    {
        public int Ran;

        public override void IterationStarted(EventLoop loop, int ready, int timers) => Ran = ready;
    }
}
