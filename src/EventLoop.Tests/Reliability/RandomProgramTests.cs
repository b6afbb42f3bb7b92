using System.Globalization;

namespace Asyncio.Tests.Reliability;

/// <summary>
/// Property-based tests: seeded random programs of CallSoon, CallLater, CallAt, handle
/// cancellations, futures completed and cancelled, done-callbacks, tasks created and cancelled,
/// stops and throwing callbacks, run on a virtual-time loop and compared, entry by entry, with
/// <see cref="ReferenceModel"/>. A failure is shrunk by CsCheck to the smallest failing program.
/// </summary>
public class RandomProgramTests
{
    /// <summary>The number of random programs checked against the model in CI (README: Reliability).</summary>
    public const int ProgramCount = 3000;

    [Fact]
    public void RandomPrograms_BehaveLikeTheReferenceModel()
    {
        var seen = new Coverage();
        int checkedCount = SeededProperty.Check(LoopProgram.Generator, program =>
        {
            var expected = new ReferenceModel(program).Run();
            var real = new RealRun(program);
            var actual = real.Run();
            CheckInvariants(program, real, actual);
            AssertSameRun(expected, actual);
            seen.Add(actual);
        }, ProgramCount, baseSeed: 20_240_801, print: p => p.ToString());

        Assert.Equal(ProgramCount, checkedCount);
        // The property is not vacuous: the programs did reach every kind of event.
        Assert.True(seen.Throws > 100, $"throwing callbacks: {seen.Throws}");
        Assert.True(seen.Stops > 100, $"stops: {seen.Stops}");
        Assert.True(seen.CancelledTasks > 100, $"cancelled tasks: {seen.CancelledTasks}");
        Assert.True(seen.PendingTasks > 100, $"tasks left pending on a future: {seen.PendingTasks}");
        Assert.True(seen.FailedTasks > 50, $"failed tasks: {seen.FailedTasks}");
        Assert.True(seen.Timers > 1000, $"timer callbacks: {seen.Timers}");
    }

    [Fact]
    public void RandomPrograms_RunTwice_GiveTheSameTrace()
    {
        SeededProperty.Check(LoopProgram.Generator, program =>
        {
            var first = new RealRun(program).Run();
            var second = new RealRun(program).Run();
            AssertSameRun(first, second);
        }, 300, baseSeed: 7_000_000, print: p => p.ToString());
    }

    private sealed class Coverage
    {
        public int Throws, Stops, CancelledTasks, PendingTasks, FailedTasks, Timers;

        public void Add(RunResult run)
        {
            Throws += run.Log.Count(e => e.StartsWith('!'));
            Stops += run.Log.Count(e => e.StartsWith("stop@"));
            CancelledTasks += run.TaskStates.Count(s => s == "cancelled");
            PendingTasks += run.TaskStates.Count(s => s.StartsWith("pending"));
            FailedTasks += run.TaskStates.Count(s => s == "failed");
            Timers += run.Log.Count(e => e.StartsWith('c') && !e.EndsWith("@0"));
        }
    }

    private static void AssertSameRun(RunResult expected, RunResult actual)
    {
        int diff = 0;
        while (diff < expected.Log.Count && diff < actual.Log.Count && expected.Log[diff] == actual.Log[diff])
            diff++;
        if (diff < expected.Log.Count || diff < actual.Log.Count)
        {
            throw new Xunit.Sdk.XunitException(
                $"logs differ at entry {diff}:\n  expected: {string.Join(" ", expected.Log.Skip(Math.Max(0, diff - 6)).Take(14))}" +
                $"\n  actual:   {string.Join(" ", actual.Log.Skip(Math.Max(0, diff - 6)).Take(14))}");
        }
        Assert.Equal(expected.TaskStates, actual.TaskStates);
        Assert.Equal(expected.CloseReports, actual.CloseReports);
    }

    /// <summary>Rules checked on the real run alone, without the model.</summary>
    private static void CheckInvariants(LoopProgram program, RealRun real, RunResult run)
    {
        double last = double.NegativeInfinity;
        var ran = new HashSet<string>();
        foreach (var entry in run.Log)
        {
            int at = entry.IndexOf('@');
            if (at < 0 || entry.StartsWith("stop"))
                continue;
            double time = double.Parse(entry[(at + 1)..], CultureInfo.InvariantCulture);
            // Virtual time only moves forward.
            Assert.True(time >= last, $"time went back: {entry} after {last}");
            last = time;
            string name = entry[..at];
            // Every callback runs at most once.
            Assert.True(ran.Add(name), $"{name} ran twice");
            // A timer never fires early.
            if (name[0] == 'c' && real.Deadlines.TryGetValue(int.Parse(name[1..], CultureInfo.InvariantCulture), out double deadline))
                Assert.True(time >= deadline, $"{name} ran at {time}, before its deadline {deadline}");
        }
        // Every exception reached the handler, right after the callback that threw it.
        for (int i = 0; i < run.Log.Count; i++)
        {
            if (run.Log[i].StartsWith('!'))
                Assert.StartsWith(run.Log[i][1..] + "@", run.Log.Take(i).Last(e => !e.StartsWith('[')));
        }
        // No task is left pending without a reason: each waits on a future nobody completed.
        Assert.All(run.TaskStates, s => Assert.NotEqual("pending on f-1", s));
        Assert.Equal(run.TaskStates.Count(s => s.StartsWith("pending")),
            run.CloseReports.Count(r => r.StartsWith("Task was destroyed")));
    }
}
