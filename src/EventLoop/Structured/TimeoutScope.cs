using Asyncio.Internal;

namespace Asyncio;

/// <summary>A deadline for a block of code in a task: asyncio's <c>asyncio.Timeout</c>.</summary>
/// <remarks>
/// <para>asyncio: the object of <c>async with asyncio.timeout(delay) as cm</c>. Made by
/// <see cref="StructuredConcurrency.Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/> and
/// <see cref="StructuredConcurrency.TimeoutAt(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>, which run the body.</para>
/// <para>When the deadline passes, the task is cancelled; if the body then ends with that
/// cancellation (and no other cancellation of the task is pending), the scope throws
/// <see cref="TimeoutException"/> instead. Scopes nest: only the one whose deadline passed converts.</para>
/// </remarks>
public sealed class TimeoutScope
{
    private enum ScopeState { Created, Entered, Expiring, Expired, Exited }

    private readonly EventLoop _loop;
    private ScopeState _state;
    private double? _when;
    private Handle? _timeoutHandle;
    private LoopTask? _task;
    private int _cancelling;
    // A CancellationToken that ends the block as the deadline would (null registration: none).
    private CancellationTokenRegistration _registration;
    private bool _expiredByToken;

    internal TimeoutScope(EventLoop loop, double? when)
    {
        _loop = loop;
        _when = when;
    }

    /// <summary>The deadline in loop time, or <see langword="null"/> for none: asyncio's <c>cm.when()</c>.</summary>
    public double? When() => _when;

    /// <summary>Whether the deadline passed while the body ran: asyncio's <c>cm.expired()</c>.</summary>
    public bool Expired() => _state is ScopeState.Expiring or ScopeState.Expired;

    /// <summary>Moves the deadline; <see langword="null"/> removes it: asyncio's <c>cm.reschedule(when)</c>.</summary>
    /// <exception cref="InvalidOperationException">"Timeout has not been entered", or "Cannot change state of expiring Timeout" and the like; or called from another thread while the loop runs.</exception>
    public void Reschedule(double? when)
    {
        _loop.CheckThread(nameof(Reschedule)); // before _when changes: a refused call changes nothing
        if (_state != ScopeState.Entered)
        {
            if (_state == ScopeState.Created)
                throw new InvalidOperationException("Timeout has not been entered");
            throw new InvalidOperationException($"Cannot change state of {StateName} Timeout");
        }
        if (when is double w && double.IsNaN(w))
            throw new ArgumentOutOfRangeException(nameof(when), "The deadline is NaN; give a loop time in seconds.");
        _when = when;
        _timeoutHandle?.Cancel();
        if (when is null)
            _timeoutHandle = null;
        else if (when.Value <= _loop.Time())
            _timeoutHandle = _loop.CallSoon(OnTimeout);
        else
            _timeoutHandle = _loop.At(when.Value, s_onTimeout, this, nameof(EventLoop.CallAt));
    }

    /// <summary>asyncio's repr: <c>&lt;Timeout [active] when=12.5&gt;</c>.</summary>
    public override string ToString()
    {
        string when = _state == ScopeState.Entered
            ? " when=" + (_when is double w ? Naming.Repr(Math.Round(w, 3)) : "None")
            : "";
        return $"<Timeout [{StateName}]{when}>";
    }

    private string StateName => _state switch
    {
        ScopeState.Created => "created",
        ScopeState.Entered => "active",
        ScopeState.Expiring => "expiring",
        ScopeState.Expired => "expired",
        _ => "finished",
    };

    internal void Enter()
    {
        if (_state != ScopeState.Created)
            throw new InvalidOperationException("Timeout has already been entered");
        var task = _loop.CurrentTask ?? throw new InvalidOperationException("Timeout should be used inside a task");
        _state = ScopeState.Entered;
        _task = task;
        _cancelling = task.Cancelling();
        Reschedule(_when);
    }

    /// <summary>Ends the block when <paramref name="token"/> fires, as the deadline does; the cancellation then comes out as <see cref="OperationCanceledException"/>.</summary>
    /// <remarks>Call after <see cref="Enter"/>. A token that cannot be cancelled costs nothing.</remarks>
    internal void CancelOn(CancellationToken token)
    {
        if (!token.CanBeCanceled)
            return;
        _registration = token.UnsafeRegister(static s =>
        {
            var scope = (TimeoutScope)s!;
            // On the loop thread (a callback that cancels the source), at once, as task.cancel();
            // from any other thread, through the inbox.
            if (scope._loop.IsLoopThread)
                scope.OnTokenCancelled();
            else
                scope._loop.PostFromOtherThread(new WorkItem(s_onTokenCancelled, scope, WorkKind.StateAction));
        }, this);
    }

    private static readonly Action<object?> s_onTokenCancelled = static s => ((TimeoutScope)s!).OnTokenCancelled();

    private void OnTokenCancelled()
    {
        if (_state != ScopeState.Entered)
            return; // the block ended, or its deadline came first
        _timeoutHandle?.Cancel();
        _expiredByToken = true;
        OnTimeout();
    }

    /// <summary>Whether the block ended because its CancellationToken fired (then the error is an <see cref="OperationCanceledException"/>).</summary>
    internal bool ExpiredByToken => _expiredByToken;

    /// <summary>asyncio's <c>__aexit__</c>: true when the body's cancellation must become a <see cref="TimeoutException"/>.</summary>
    internal bool Exit(Exception? exception)
    {
        _registration.Unregister();
        if (_timeoutHandle is not null)
        {
            _timeoutHandle.Cancel();
            _timeoutHandle = null;
        }
        if (_state == ScopeState.Expiring)
        {
            _state = ScopeState.Expired;
            // Differs from asyncio in one respect: any OperationCanceledException converts, so
            // that a .NET API stopped by the task's CancellationToken times out the same way.
            return _task!.Uncancel() <= _cancelling && exception is OperationCanceledException;
        }
        if (_state == ScopeState.Entered)
            _state = ScopeState.Exited;
        return false;
    }

    // One static callback with the scope as its state: no delegate allocated per deadline.
    // Named as asyncio's Timeout._on_timeout, which the timer's repr shows.
    private static readonly Action<object?> s_onTimeout = OnTimeout;

    private static void OnTimeout(object? state) => ((TimeoutScope)state!).OnTimeout();

    private void OnTimeout()
    {
        _task!.Cancel();
        _state = ScopeState.Expiring;
        _timeoutHandle = null;
    }
}
