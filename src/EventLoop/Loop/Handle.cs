using System.Globalization;
using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>A callback scheduled with <see cref="EventLoop.CallSoon(Action)"/>: lets the caller cancel it: asyncio's <c>asyncio.Handle</c>.</summary>
/// <remarks>
/// <para>A cancelled handle never runs; cancelling drops the references to the callback and its
/// state at once, as asyncio does, so that they can be collected.</para>
/// </remarks>
public class Handle
{
    // Every callback is handed over as (Action<object?>, state): an Action is its own state
    // behind this static invoker, so no closure is allocated for any overload. (A Handle keeps
    // the Action as its state and no callback at all; see the fields.)
    internal static readonly Action<object?> s_invokeAction = static s => ((Action)s!)();

    // A cancelled handle's callback is this no-op: then running it needs no test, and
    // "cancelled" needs no field of its own.
    private static readonly Action<object?> s_cancelled = static _ => { };

    // Two fields, 32 bytes: the Handle is the one allocation of a public CallSoon. A plain
    // Action is stored as the state alone, with no callback (null): one reference written
    // instead of two, so one GC write barrier fewer on the path every CallSoon takes.
    private Action<object?>? _callback;
    private object? _state;

    internal Handle(EventLoop loop, Action<object?> callback, object? state)
    {
        if (!ReferenceEquals(callback, s_invokeAction))
            _callback = callback;
        _state = state;
        if (loop.Debug)
            SourceTracebacks.Capture(this);
    }

    /// <summary>Where the callback was scheduled, in debug mode (asyncio's <c>_source_traceback</c>).</summary>
    internal string? SourceTraceback => SourceTracebacks.Of(this);

    /// <summary>Whether <see cref="Cancel"/> was called: asyncio's <c>handle.cancelled()</c>.</summary>
    public bool Cancelled => ReferenceEquals(_callback, s_cancelled);

    /// <summary>Cancels the callback: if it has not run yet, it never will. Idempotent: asyncio's <c>handle.cancel()</c>.</summary>
    /// <remarks>
    /// <para>Differs from asyncio: safe from any thread (a handle of
    /// <see cref="EventLoop.CallSoonThreadsafe(Action)"/> is usually cancelled by the thread that
    /// scheduled it). Cancelled while the loop is about to run it, the callback runs once or
    /// not at all, never with its state gone. <see cref="TimerHandle.Cancel"/> is loop-thread only.</para>
    /// </remarks>
    public virtual void Cancel()
    {
        // Drop the references at once, as asyncio does, so that they can be collected. The
        // callback goes first and the state is released after it: Run reads them in the
        // opposite order, so it never sees a live callback with its state already dropped.
        _callback = s_cancelled;
        Volatile.Write(ref _state, null);
    }

    internal void Run()
    {
        // State first (acquire), then the callback: see Cancel for the race this closes.
        var state = Volatile.Read(ref _state);
        var callback = _callback;
        // A plain Action is called directly rather than through an invoker: one delegate call.
        if (callback is null)
            Unsafe.As<Action>(state!)();
        else
            callback(state);
    }

    /// <summary>The callback as asyncio's repr shows it, for example <c>say()</c>.</summary>
    internal string DescribeCallback()
    {
        if (Cancelled)
            return "";
        // asyncio shows the callback with its arguments: bad(1), on_done(<Future finished ...>).
        if (_callback is null)
            return Naming.DescribeDelegate((Delegate)_state!);
        if (_state is IStateBox box)
            return Naming.DescribeCall(box.UserDelegate, box.UserState);
        return Naming.DescribeCall(_callback, _state);
    }

    internal virtual string DescribeForReport() => DescribeCallback();

    /// <summary>asyncio's repr: <c>&lt;Handle say()&gt;</c> or <c>&lt;Handle cancelled&gt;</c>.</summary>
    public override string ToString() =>
        Cancelled ? $"<{GetType().Name} cancelled>" : $"<{GetType().Name} {DescribeCallback()}>";
}

/// <summary>A callback scheduled for a time: returned by <see cref="EventLoop.CallLater(double, Action)"/> and <see cref="EventLoop.CallAt(double, Action)"/>: asyncio's <c>asyncio.TimerHandle</c>.</summary>
/// <remarks>
/// <para>Timers fire in (deadline, scheduling order) and never before their deadline.</para>
/// </remarks>
public sealed class TimerHandle : Handle
{
    // Two fields of its own, 48 bytes: the order of scheduling that breaks ties between equal
    // deadlines lives in the heap entry, beside the deadline, where the heap compares it; and
    // the loop is kept only while the timer is in its heap, the one time Cancel needs it.
    private EventLoop? _scheduledOn;

    /// <summary>Made by the loop as it pushes the timer onto its heap.</summary>
    internal TimerHandle(EventLoop loop, double when, Action<object?> callback, object? state)
        : base(loop, callback, state)
    {
        _scheduledOn = loop;
        When = when;
    }

    /// <summary>The loop time at which the callback is due: asyncio's <c>handle.when()</c>.</summary>
    public double When { get; }

    /// <summary>True while the timer sits in the loop's heap (asyncio's <c>_scheduled</c>).</summary>
    internal bool InHeap => _scheduledOn is not null;

    /// <summary>The loop popped the timer or dropped it from its heap.</summary>
    internal void LeftHeap() => _scheduledOn = null;

    /// <summary>Cancels the timer; the loop drops it from its heap lazily. Idempotent: asyncio's <c>TimerHandle.cancel()</c>.</summary>
    public override void Cancel()
    {
        if (Cancelled)
            return;
        var loop = _scheduledOn;
        loop?.CheckThread("TimerHandle.Cancel");
        base.Cancel();
        loop?.OnTimerCancelled();
    }

    /// <summary>asyncio's repr: <c>&lt;TimerHandle when=1.5 say()&gt;</c>.</summary>
    public override string ToString() => Cancelled
        ? $"<TimerHandle cancelled when={When.ToString("R", CultureInfo.InvariantCulture)}>"
        : $"<TimerHandle when={When.ToString("R", CultureInfo.InvariantCulture)} {DescribeCallback()}>";
}

/// <summary>Stands for an internal callback (a done-callback, a continuation) in an error report.</summary>
internal sealed class ReportHandle : Handle
{
    private static readonly Action<object?> s_none = static _ => { };
    private readonly string _description;

    public ReportHandle(EventLoop loop, string description) : base(loop, s_none, null) => _description = description;

    internal override string DescribeForReport() => _description;

    public override string ToString() => $"<Handle {_description}>";
}

/// <summary>A callback and its typed state, for the generic scheduling overloads.</summary>
internal interface IStateBox
{
    Delegate UserDelegate { get; }

    object? UserState { get; }
}

internal sealed class StateBox<TState> : IStateBox
{
    public static readonly Action<object?> Invoke = static s =>
    {
        var box = (StateBox<TState>)s!;
        box._callback(box._state);
    };

    private readonly Action<TState> _callback;
    private readonly TState _state;

    public StateBox(Action<TState> callback, TState state)
    {
        _callback = callback;
        _state = state;
    }

    public Delegate UserDelegate => _callback;

    public object? UserState => _state;
}
