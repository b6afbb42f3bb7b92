namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>One loop, one thread: entering the loop (RunForever, RunUntilComplete, RunOnce) is atomic.</summary>
/// <remarks>
/// Real threads, on purpose: two threads try to enter one loop at the same moment (a barrier
/// releases them together), many times. Whoever gets in holds the loop until the other has been
/// refused, so two entrants can never both be counted because they took turns. Every wait is
/// bounded, so that a regression fails instead of hanging.
/// </remarks>
public class LoopEntryTests
{
    private const int Trials = 1000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="enter"/> on two threads released together; returns how many got in and the messages of the refusals.</summary>
    /// <param name="prepare">Schedules, before the race, what keeps the winner inside until the other is refused.</param>
    /// <param name="enter">What each contender calls.</param>
    private static (int Entered, List<string> Refusals) Race(Action<EventLoop, ManualResetEventSlim> prepare, Action<EventLoop, ManualResetEventSlim> enter)
    {
        var loop = new EventLoop(new EventLoopOptions { VirtualTime = false });
        using var refused = new ManualResetEventSlim();
        prepare(loop, refused);
        using var start = new Barrier(2);
        int entered = 0;
        var refusals = new List<string>();
        var unexpected = new List<Exception>();
        void Contender()
        {
            start.SignalAndWait(Bound);
            try
            {
                enter(loop, refused);
                Interlocked.Increment(ref entered);
            }
            catch (InvalidOperationException exception) when (exception.Message == "This event loop is already running")
            {
                lock (refusals)
                    refusals.Add(exception.Message);
                refused.Set();
            }
            catch (Exception exception)
            {
                lock (unexpected)
                    unexpected.Add(exception);
                refused.Set();
            }
        }
        var threads = new[] { new Thread(Contender), new Thread(Contender) };
        foreach (var thread in threads)
            thread.Start();
        foreach (var thread in threads)
            Assert.True(thread.Join(Bound), "a contender did not come back");
        Assert.Empty(unexpected);
        Assert.False(loop.IsRunning);
        loop.Close();
        return (entered, refusals);
    }

    private static void AssertOneEachTime(Action<EventLoop, ManualResetEventSlim> prepare, Action<EventLoop, ManualResetEventSlim> enter)
    {
        for (int trial = 0; trial < Trials; trial++)
        {
            var (entered, refusals) = Race(prepare, enter);
            Assert.True(entered == 1, $"trial {trial}: {entered} threads got in");
            Assert.Equal(["This event loop is already running"], refusals);
        }
    }

    [Fact]
    public void RunForever_TwoThreadsAtOnce_ExactlyOneGetsIn() =>
        AssertOneEachTime(
            static (loop, refused) => loop.CallSoon(() =>
            {
                refused.Wait(Bound);
                loop.Stop();
            }),
            static (loop, _) => loop.RunForever());

    [Fact]
    public void RunUntilComplete_TwoThreadsAtOnce_ExactlyOneGetsInAndOnlyItsTaskRuns()
    {
        int bodies = 0;
        AssertOneEachTime(
            static (_, _) => { },
            (loop, refused) => loop.RunUntilComplete(async () =>
            {
                Interlocked.Increment(ref bodies);
                refused.Wait(Bound);
                await Task.CompletedTask;
            }));
        Assert.Equal(Trials, bodies);
    }

    [Fact]
    public void RunOnce_TwoThreadsAtOnce_ExactlyOneGetsIn() =>
        AssertOneEachTime(
            static (loop, refused) => loop.CallSoon(() => refused.Wait(Bound)),
            static (loop, _) => loop.RunOnce(TimeSpan.Zero));

    [Fact]
    public void RunOnceAndRunForever_AtOnce_ExactlyOneGetsIn() =>
        AssertOneEachTime(
            static (loop, refused) => loop.CallSoon(() =>
            {
                refused.Wait(Bound);
                loop.Stop();
            }),
            static (loop, _) =>
            {
                if (Environment.CurrentManagedThreadId % 2 == 0)
                    loop.RunOnce();
                else
                    loop.RunForever();
            });

    [Fact]
    public void RunForever_InsideAnotherLoop_RefusedAndTheClaimIsGivenBack()
    {
        using var outer = new EventLoop(new EventLoopOptions { VirtualTime = true });
        using var inner = new EventLoop(new EventLoopOptions { VirtualTime = true });
        Exception? caught = null;
        outer.CallSoon(() =>
        {
            caught = Record.Exception(inner.RunForever);
            outer.Stop();
        });

        outer.RunForever();

        Assert.Equal("Cannot run the event loop while another loop is running", Assert.IsType<InvalidOperationException>(caught).Message);
        Assert.False(inner.IsRunning);
        inner.CallSoon(inner.Stop);
        inner.RunForever(); // the refused claim left nothing behind
    }

    [Fact]
    public void RunUntilComplete_CoroutineInsideItsOwnLoop_RefusedBeforeMakingTheTask()
    {
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        Exception? caught = null;
        int tasksAfter = -1;
        loop.CallSoon(() =>
        {
            caught = Record.Exception(() => loop.RunUntilComplete(() => Task.CompletedTask));
            tasksAfter = loop.AllTasks().Count;
            loop.Stop();
        });

        loop.RunForever();

        Assert.Equal("This event loop is already running", Assert.IsType<InvalidOperationException>(caught).Message);
        Assert.Equal(0, tasksAfter);
    }
}
