using System.Globalization;
using System.Text;
using CsCheck;

namespace Asyncio.Tests.Reliability;

// Random loop programs: what they are, how CsCheck generates them, and how to print them.
//
// A program is a list of operations run before the loop starts; a scheduled callback carries
// operations of its own, run when it runs. Every callback and done-callback has a static id
// (preorder), every task a static index, so the real run and the reference model name the same
// things. Times are multiples of 1/4, so every sum is exact in binary floating point.

internal abstract record Op;

/// <summary>CallSoon (Kind 0), CallLater(Delays[Time]) (1), CallAt(Whens[Time]) (2).</summary>
internal sealed record Sched(int Kind, int Time, bool Throws, bool Stop, Op[] Children) : Op;

/// <summary>Cancel the handle of callback <c>Target % callbacks</c>, if it was scheduled already.</summary>
internal sealed record CancelHandle(int Target) : Op;

/// <summary>SetResult (or Cancel) on future F, unless it is done.</summary>
internal sealed record CompleteFuture(int F, bool Cancel) : Op;

/// <summary>AddDoneCallback on future F.</summary>
internal sealed record AddDone(int F, bool Throws) : Op;

/// <summary>CreateTask running <paramref name="Steps"/>.</summary>
internal sealed record NewTask(TaskStep[] Steps) : Op;

/// <summary>Cancel task <c>Target % tasks</c>, if it was created already.</summary>
internal sealed record CancelTask(int Target) : Op;

internal enum StepKind { Sleep0, SleepD, Await, Throw }

/// <summary>One await point of a task: log, then Sleep(0), Sleep(SleepDelays[Arg]), await future Arg % 3, or throw.</summary>
internal sealed record TaskStep(StepKind Kind, int Arg);

internal sealed record LoopProgram(Op[] Ops)
{
    public const int Futures = 3;
    public static readonly double[] Delays = [-1, 0, 0.25, 0.5, 1, 1, 2];
    public static readonly double[] Whens = [0, 0.5, 1, 1, 1.5, 2.5, 3];
    public static readonly double[] SleepDelays = [0.25, 0.5, 1, 1, 2, 0.75, 3];

    /// <summary>Preorder ids of callbacks (Sched and AddDone) and indexes of tasks.</summary>
    public Dictionary<Op, int> Ids { get; } = Number(Ops, out int callbacks, out int tasks);

    public int CallbackCount => Ids.Count(kv => kv.Key is Sched or AddDone);

    public int TaskCount => Ids.Count(kv => kv.Key is NewTask);

    private static Dictionary<Op, int> Number(Op[] ops, out int callbacks, out int tasks)
    {
        var ids = new Dictionary<Op, int>(ReferenceEqualityComparer.Instance);
        int c = 0, t = 0;
        void Walk(Op[] list)
        {
            foreach (var op in list)
            {
                switch (op)
                {
                    case Sched s:
                        ids[op] = c++;
                        Walk(s.Children);
                        break;
                    case AddDone:
                        ids[op] = c++;
                        break;
                    case NewTask:
                        ids[op] = t++;
                        break;
                }
            }
        }
        Walk(ops);
        callbacks = c;
        tasks = t;
        return ids;
    }

    public static string Fmt(double time) => time.ToString("R", CultureInfo.InvariantCulture);

    public override string ToString()
    {
        var text = new StringBuilder();
        void Write(Op[] list, int indent)
        {
            foreach (var op in list)
            {
                text.Append(' ', indent * 2);
                switch (op)
                {
                    case Sched s:
                        string how = s.Kind switch { 0 => "CallSoon", 1 => $"CallLater({Fmt(Delays[s.Time])})", _ => $"CallAt({Fmt(Whens[s.Time])})" };
                        text.Append($"c{Ids[op]} = {how}{(s.Throws ? " throws" : "")}{(s.Stop ? " stops" : "")}\n");
                        Write(s.Children, indent + 1);
                        break;
                    case AddDone d:
                        text.Append($"d{Ids[op]} = f{d.F}.AddDoneCallback{(d.Throws ? " throws" : "")}\n");
                        break;
                    case NewTask n:
                        text.Append($"t{Ids[op]} = CreateTask [{string.Join(", ", n.Steps.Select(DescribeStep))}]\n");
                        break;
                    default:
                        text.Append(op).Append('\n');
                        break;
                }
            }
        }
        Write(Ops, 0);
        return text.ToString();
    }

    private static string DescribeStep(TaskStep s) => s.Kind switch
    {
        StepKind.Sleep0 => "Sleep(0)",
        StepKind.SleepD => $"Sleep({Fmt(SleepDelays[s.Arg])})",
        StepKind.Await => $"await f{s.Arg % Futures}",
        _ => "throw",
    };

    // ---- generators --------------------------------------------------------------------------

    private static readonly Gen<bool> Rarely = Gen.Int[0, 7].Select(i => i == 0);

    private static readonly Gen<TaskStep> Step =
        Gen.Select(Gen.Int[0, 19], Gen.Int[0, 6], (k, a) => new TaskStep(
            k < 5 ? StepKind.Sleep0 : k < 11 ? StepKind.SleepD : k < 19 ? StepKind.Await : StepKind.Throw, a));

    private static Gen<Op> OpGen(int depth)
    {
        var sched = depth == 0
            ? Gen.Select(Gen.Int[0, 2], Gen.Int[0, 6], Rarely, Rarely, (k, t, th, st) => (Op)new Sched(k, t, th, st, []))
            : Gen.Select(Gen.Int[0, 2], Gen.Int[0, 6], Rarely, Rarely, OpGen(depth - 1).Array[0, 3],
                (k, t, th, st, children) => (Op)new Sched(k, t, th, st, children));
        return Gen.Frequency(
            (6, sched),
            (2, Gen.Int[0, 40].Select(i => (Op)new CancelHandle(i))),
            (2, Gen.Select(Gen.Int[0, LoopProgram.Futures - 1], Rarely, (f, c) => (Op)new CompleteFuture(f, c))),
            (2, Gen.Select(Gen.Int[0, LoopProgram.Futures - 1], Rarely, (f, th) => (Op)new AddDone(f, th))),
            (2, Step.Array[0, 5].Select(s => (Op)new NewTask(s))),
            (1, Gen.Int[0, 10].Select(i => (Op)new CancelTask(i))));
    }

    public static readonly Gen<LoopProgram> Generator = OpGen(2).Array[1, 12].Select(ops => new LoopProgram(ops));
}
