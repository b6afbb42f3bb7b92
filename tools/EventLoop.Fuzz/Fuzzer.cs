using System.Diagnostics;
using System.Globalization;

namespace Asyncio.Fuzz;

/// <summary>What a fuzz run did.</summary>
public sealed record FuzzResult(long Programs, long Failures, long TranscriptLines, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"{Programs} programs, {Failures} failures, {TranscriptLines} transcript lines, {Elapsed.TotalSeconds:F1} s";
}

/// <summary>
/// A seeded random driver for transcript-style programs: tasks that sleep, yield, gather,
/// wait, wait_for and cancel each other, printing a transcript as the twins in
/// Transcripts/ do. Each program runs twice on virtual time; the two transcripts must be
/// identical (determinism), and each must keep the invariants: time never goes back, a sleep
/// never resumes early (and, uncancelled, exactly on time), every task ends, and nothing but
/// the program's own deliberate errors reaches the exception handler.
/// </summary>
public static class Fuzzer
{
    public static FuzzResult Run(long iterations, double seconds, ulong seed, TextWriter? output = null)
    {
        var clock = Stopwatch.StartNew();
        long programs = 0, failures = 0, lines = 0;
        for (long i = 0; i < iterations; i++)
        {
            if (seconds > 0 && clock.Elapsed.TotalSeconds >= seconds)
                break;
            int programSeed = unchecked((int)(seed * 1_000_003UL + (ulong)i));
            programs++;
            string? failure = Check(programSeed, out int transcriptLines);
            lines += transcriptLines;
            if (failure is not null)
            {
                failures++;
                output?.WriteLine($"FAIL program seed {programSeed}: {failure}");
                if (failures >= 10)
                    break;
            }
        }
        return new FuzzResult(programs, failures, lines, clock.Elapsed);
    }

    /// <summary>Runs program <paramref name="programSeed"/> twice; returns what went wrong, or null.</summary>
    public static string? Check(int programSeed, out int transcriptLines)
    {
        transcriptLines = 0;
        List<string> first, second;
        try
        {
            first = new FuzzProgram(programSeed).Run();
            second = new FuzzProgram(programSeed).Run();
        }
        catch (Exception e)
        {
            return "threw " + e;
        }
        transcriptLines = first.Count;
        if (!first.SequenceEqual(second))
        {
            int at = 0;
            while (at < first.Count && at < second.Count && first[at] == second[at])
                at++;
            return $"not deterministic at line {at}: '{first.ElementAtOrDefault(at)}' vs '{second.ElementAtOrDefault(at)}'";
        }
        return first.FirstOrDefault(l => l.StartsWith("VIOLATION", StringComparison.Ordinal));
    }
}

/// <summary>One random program: its shape comes from the seed only, so two runs are the same program.</summary>
internal sealed class FuzzProgram(int seed)
{
    private readonly Random _random = new(seed);
    private readonly List<string> _out = [];
    private readonly List<LoopTask> _tasks = [];
    private EventLoop _loop = null!;
    private double _lastTime;
    private int _deliberateErrors;
    private int _reports;

    public List<string> Run()
    {
        var options = new EventLoopOptions { VirtualTime = true };
        _loop = new EventLoop(options);
        _loop.SetExceptionHandler((_, context) =>
        {
            _reports++;
            Print($"handler: {context.Message.Split('\n')[0]}");
        });
        int taskCount = _random.Next(1, 7);
        var main = _loop.CreateTask(async () =>
        {
            for (int i = 0; i < taskCount; i++)
            {
                int id = i;
                int depth = 0;
                var script = MakeScript(_random.Next(1, 7));
                _tasks.Add(_loop.CreateTask(() => Worker(id, depth, script), $"w{id}"));
            }
            var results = await _loop.Gather(_tasks, returnExceptions: true);
            for (int i = 0; i < results.Length; i++)
                Print($"w{i} -> {Describe(results[i])}");
        }, "main");
        try
        {
            _loop.RunUntilComplete(main);
        }
        catch (DeadlockError e)
        {
            Print("VIOLATION deadlock: " + e.Message.Split('\n')[0]);
        }
        if (_loop.AllTasks().Count != 0)
            Print($"VIOLATION {_loop.AllTasks().Count} tasks still pending at the end");
        _loop.Close();
        if (_reports != _deliberateErrors)
            Print($"VIOLATION {_reports} reports for {_deliberateErrors} deliberate errors");
        return _out;
    }

    private enum Kind { Sleep, Yield, Gather, Wait, WaitFor, CancelOther, Throw, CallbackThrows }

    private sealed record Op(Kind Kind, double Delay, int Arg, Op[][] Children);

    private Op[] MakeScript(int length, int depth = 0)
    {
        var ops = new Op[length];
        for (int i = 0; i < length; i++)
        {
            var kind = (Kind)_random.Next(depth < 2 ? 8 : 2);
            double delay = _random.Next(0, 9) * 0.125;
            int arg = _random.Next(0, 8);
            Op[][] children = kind is Kind.Gather or Kind.Wait or Kind.WaitFor
                ? Enumerable.Range(0, kind == Kind.WaitFor ? 1 : _random.Next(1, 4)).Select(_ => MakeScript(_random.Next(1, 4), depth + 1)).ToArray()
                : [];
            ops[i] = new Op(kind, delay, arg, children);
        }
        return ops;
    }

    private string Now => _loop.Time().ToString("0.###", CultureInfo.InvariantCulture);

    private void Print(string line)
    {
        double now = _loop.Time();
        if (now < _lastTime)
            _out.Add($"VIOLATION time went back from {_lastTime} to {now}");
        _lastTime = now;
        _out.Add($"{Now} {line}");
    }

    private static string Describe(object? result) => result switch
    {
        CancelledError => "cancelled",
        Exception e => e.GetType().Name + ": " + e.Message,
        null => "None",
        _ => result.ToString()!,
    };

    private async Task<int> Worker(int id, int depth, Op[] script)
    {
        string name = depth == 0 ? $"w{id}" : $"w{id}/{depth}";
        Print($"{name} start");
        int sum = 0;
        try
        {
            foreach (var op in script)
            {
                switch (op.Kind)
                {
                    case Kind.Sleep:
                    {
                        double start = _loop.Time();
                        await _loop.Sleep(op.Delay);
                        double late = _loop.Time() - (start + op.Delay);
                        if (late < 0)
                            Print($"VIOLATION {name} woke {-late}s early");
                        Print($"{name} slept {op.Delay}");
                        break;
                    }
                    case Kind.Yield:
                        await _loop.Sleep(0);
                        Print($"{name} yielded");
                        break;
                    case Kind.Gather:
                    {
                        var children = op.Children.Select((s, i) => _loop.CreateTask(() => Worker(id * 10 + i, depth + 1, s))).ToArray();
                        var results = await _loop.Gather(children, returnExceptions: true);
                        Print($"{name} gathered [{string.Join(", ", results.Select(Describe))}]");
                        break;
                    }
                    case Kind.Wait:
                    {
                        var children = op.Children.Select((s, i) => _loop.CreateTask(() => Worker(id * 10 + i, depth + 1, s))).ToArray();
                        var (done, pending) = await _loop.Wait(children, op.Delay + 0.25, op.Arg % 2 == 0 ? ReturnWhen.FirstCompleted : ReturnWhen.AllCompleted);
                        Print($"{name} waited: {done.Count} done, {pending.Count} pending");
                        foreach (var p in pending)
                            p.Cancel();
                        foreach (var t in children)
                        {
                            try { await t; } catch (Exception) { }
                        }
                        break;
                    }
                    case Kind.WaitFor:
                        try
                        {
                            int r = await _loop.WaitFor(() => Worker(id * 10 + 9, depth + 1, op.Children[0]), op.Delay + 0.125);
                            Print($"{name} wait_for -> {r}");
                        }
                        catch (TimeoutException)
                        {
                            Print($"{name} wait_for timed out");
                        }
                        break;
                    case Kind.CancelOther:
                    {
                        var target = _tasks.Count == 0 ? null : _tasks[op.Arg % _tasks.Count];
                        bool cancelled = target is not null && target.Cancel("fuzz");
                        Print($"{name} cancel {target?.Name ?? "-"} -> {cancelled}");
                        await _loop.Sleep(0);
                        break;
                    }
                    case Kind.Throw:
                        if (op.Arg == 0)
                        {
                            Print($"{name} raises");
                            throw new InvalidOperationException($"{name} failed");
                        }
                        break;
                    case Kind.CallbackThrows:
                        if (op.Arg < 2)
                        {
                            _deliberateErrors++;
                            _loop.CallSoon(() => throw new ArithmeticException("callback"));
                        }
                        break;
                }
                sum += op.Arg;
            }
        }
        catch (CancelledError)
        {
            Print($"{name} cancelled");
            throw;
        }
        Print($"{name} end {sum}");
        return sum;
    }
}
