namespace Asyncio;

/// <summary>How a new <see cref="EventLoop"/> keeps time, reports trouble and waits for I/O.</summary>
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

    /// <summary>The environment variable that sets the default of <see cref="UseSelector"/>: <c>EVENTLOOP_SELECTOR=0</c> turns the selector off.</summary>
    /// <remarks>
    /// <para>Unlike <see cref="VirtualTimeVariable"/> and <see cref="TraceVariable"/>, it applies to
    /// loops given their options too, unless the options set <see cref="UseSelector"/> themselves:
    /// it gives the property its default. The point is to run a whole program, or a whole test
    /// suite whose tests each build their own options, on the other I/O path without editing it
    /// (CI runs the I/O tests once more with it), as <c>PYTHONASYNCIODEBUG</c> reaches every
    /// asyncio loop.</para>
    /// <para><c>0</c> or <c>false</c> turns the selector off; unset, empty or anything else leaves it on.</para>
    /// </remarks>
    public const string SelectorVariable = "EVENTLOOP_SELECTOR";

    /// <summary>Whether the loop may use its readiness selector (Linux <c>epoll</c>) for sockets and <see cref="FileDescriptorCallbacks"/>; default on, unless <see cref="SelectorVariable"/> is <c>0</c>.</summary>
    /// <remarks>
    /// <para>asyncio: the choice between <c>SelectorEventLoop</c> and <c>ProactorEventLoop</c> (an
    /// event loop policy, or <c>asyncio.SelectorEventLoop(selector)</c> with another
    /// <c>selectors</c> class than <c>DefaultSelector</c>).</para>
    /// <para>On, a Linux loop waits on its own <c>epoll</c> instance in phase 2 and reads and
    /// writes its sockets itself on the loop thread. Off, the loop makes no selector, and its
    /// sockets run as they do on Windows and macOS: .NET's socket engine waits, and its
    /// completions come back through the inbox. Behaviour is the same either way (the order of
    /// callbacks, what each protocol and stream sees), apart from speed. Turn it off to rule the
    /// selector out when an I/O problem is suspected, or to compare the two paths (speed,
    /// threads); it costs throughput on Linux. Where <c>epoll</c> does not exist, on does
    /// nothing.</para>
    /// <para>Off, <see cref="FileDescriptorCallbacks"/>' <c>AddReader</c> and <c>AddWriter</c>
    /// throw <see cref="PlatformNotSupportedException"/>, as they do on other systems.</para>
    /// </remarks>
    public bool UseSelector { get; init; } = SelectorAllowed(Environment.GetEnvironmentVariable(SelectorVariable));

    /// <summary>The value of <see cref="SelectorVariable"/> read: only <c>0</c> and <c>false</c> turn the selector off.</summary>
    internal static bool SelectorAllowed(string? value) =>
        value is null || (value.Trim() != "0" && !value.Trim().Equals("false", StringComparison.OrdinalIgnoreCase));

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

    /// <summary>The options of a loop created without any: real time, unless <see cref="VirtualTimeVariable"/> is set; a trace on the console when <see cref="TraceVariable"/> is set; the selector as every loop's (<see cref="SelectorVariable"/>).</summary>
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
