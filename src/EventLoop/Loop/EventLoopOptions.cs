namespace Asyncio;

/// <summary>How a new <see cref="EventLoop"/> keeps time and reports trouble.</summary>
/// <remarks>asyncio: no twin (asyncio has one clock); these are the loop's constructor settings.</remarks>
public sealed class EventLoopOptions
{
    /// <summary>The environment variable that puts loops created without options on virtual time.</summary>
    /// <remarks>
    /// Set <c>EVENTLOOP_VIRTUAL_TIME=1</c> to run any program on virtual time: sleeps and timers
    /// take no real time, and the output is the same. The examples' tests use it.
    /// </remarks>
    public const string VirtualTimeVariable = "EVENTLOOP_VIRTUAL_TIME";

    /// <summary>Run on virtual time: the clock starts at 0 and jumps to the next deadline whenever the loop would block.</summary>
    public bool VirtualTime { get; init; }

    /// <summary>Under virtual time, throw <see cref="DeadlockError"/> instead of blocking forever when nothing can make progress (default: on).</summary>
    /// <remarks>Turn it off when threads the loop does not know of feed it with <c>CallSoonThreadsafe</c>.</remarks>
    public bool DeadlockDetection { get; init; } = true;

    /// <summary>Start in debug mode (see <see cref="EventLoop.Debug"/>); also on when <c>EVENTLOOP_DEBUG=1</c> for loops created without options.</summary>
    public bool Debug { get; init; }

    /// <summary>Start with eager tasks (see <see cref="EventLoop.EagerTasks"/>): asyncio's <c>loop.set_task_factory(asyncio.eager_task_factory)</c> before the loop runs.</summary>
    public bool EagerTasks { get; init; }

    /// <summary>The environment variable that makes loops created without options print a <see cref="TextTrace"/> to the console.</summary>
    /// <remarks>
    /// Set <c>EVENTLOOP_TRACE=1</c> to watch any program's loop reason, iteration by iteration, in
    /// the terminal, without changing its code. Read only by <see cref="FromEnvironment"/>, as
    /// <see cref="VirtualTimeVariable"/> is: a loop given its options is not changed by it.
    /// </remarks>
    public const string TraceVariable = "EVENTLOOP_TRACE";

    /// <summary>Where the loop prints its <see cref="TextTrace"/>: what each iteration found ready, ran and scheduled; <see langword="null"/> (the default) for none.</summary>
    /// <remarks>
    /// asyncio: no twin. The trace is the loop's <see cref="EventLoop.Observer"/> from the start;
    /// setting another observer replaces it (combine them with <see cref="CompositeObserver"/>).
    /// <see cref="FromEnvironment"/> sets it to <see cref="Console.Out"/> when <see cref="TraceVariable"/> is set.
    /// </remarks>
    public TextWriter? Trace { get; init; }

    /// <summary>The options of a loop created without any: real time, unless <see cref="VirtualTimeVariable"/> is set; a trace on the console when <see cref="TraceVariable"/> is set.</summary>
    public static EventLoopOptions FromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(VirtualTimeVariable);
        bool virtualTime = value is not null && value != "" && value != "0" && !value.Equals("false", StringComparison.OrdinalIgnoreCase);
        string? debug = Environment.GetEnvironmentVariable("EVENTLOOP_DEBUG");
        string? trace = Environment.GetEnvironmentVariable(TraceVariable);
        bool traced = trace is not null && trace != "" && trace != "0" && !trace.Equals("false", StringComparison.OrdinalIgnoreCase);
        return new EventLoopOptions
        {
            VirtualTime = virtualTime,
            Debug = debug is not null && debug != "" && debug != "0",
            Trace = traced ? Console.Out : null,
        };
    }
}
