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
/// <para>As an object (<see cref="StructuredConcurrency.CreateTimeout(EventLoop, double?)"/>, <see cref="StructuredConcurrency.CreateTimeoutAt(EventLoop, double?)"/>):
/// it exists before it is entered, with its deadline (<see cref="When"/>);
/// <see cref="EnterAsync"/> and <see cref="ExitAsync(Exception?)"/> are asyncio's <c>__aenter__</c>
/// and <c>__aexit__</c>, for a <c>try</c>/<c>catch</c> that hands the body's exception to the exit;
/// <see cref="DisposeAsync"/> exits when <c>await using</c> ends the block, which cannot see that
/// exception (see there).</para>
/// </remarks>
public sealed class TimeoutScope : IAsyncDisposable
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
    public double? When => _when;

    /// <summary>Whether the deadline passed while the body ran: asyncio's <c>cm.expired()</c>.</summary>
    public bool Expired => _state is ScopeState.Expiring or ScopeState.Expired;

    /// <summary>Moves the deadline; <see langword="null"/> removes it: asyncio's <c>cm.reschedule(when)</c>.</summary>
    /// <exception cref="InvalidOperationException">"Timeout has not been entered", or "Cannot change state of expiring Timeout" and the like; or called from another thread while the loop runs.</exception>
    public void Reschedule(double? when)
    {
        _loop.CheckThread(nameof(Reschedule)); // before _when changes: a refused call changes nothing
        if (_state != ScopeState.Entered)
        {
            if (_state == ScopeState.Created)
                ThrowHelper.TimeoutNotEntered();
            ThrowHelper.TimeoutStateFinal(StateName);
        }
        if (when is double w && double.IsNaN(w))
            ThrowHelper.NaN(nameof(when));
        _when = when;
        _timeoutHandle?.Cancel();
        if (when is null)
            _timeoutHandle = null;
        else if (when.Value <= _loop.Time())
            _timeoutHandle = _loop.CallSoon(OnTimeout);
        else
            _timeoutHandle = _loop.At(when.Value, s_onTimeout, this, nameof(EventLoop.CallAt));
    }

    /// <summary>Enters the scope in the current task and starts its deadline: asyncio's <c>await cm.__aenter__()</c>.</summary>
    /// <returns>This scope, already entered (the call does not suspend), as <c>async with timeout(d) as cm</c> binds it.</returns>
    /// <exception cref="InvalidOperationException">"Timeout has already been entered" (a scope is entered once, even after it exited); "Timeout should be used inside a task"; or called from another thread while the loop runs.</exception>
    public ValueTask<TimeoutScope> EnterAsync()
    {
        _loop.CheckThread(nameof(EnterAsync));
        EnterCore();
        return new ValueTask<TimeoutScope>(this);
    }

    /// <summary>Leaves the scope: asyncio's <c>await cm.__aexit__(type(e), e, tb)</c>, with the exception that ended the body (<see langword="null"/> when the body finished).</summary>
    /// <remarks>
    /// <para>Stops the deadline. When the deadline passed, the scope withdraws its cancellation of
    /// the task (<see cref="LoopTask.Uncancel"/>); if no other cancellation of the task is then
    /// pending and <paramref name="exception"/> is a cancellation, the returned
    /// <see cref="ValueTask"/> fails with <see cref="TimeoutException"/> (its inner exception the
    /// cancellation), asyncio's <c>raise TimeoutError from exc_val</c>. Otherwise it completes,
    /// and the caller rethrows <paramref name="exception"/>, as <c>async with</c> does when
    /// <c>__aexit__</c> returns <see langword="None"/>.</para>
    /// <code>
    /// var cm = await loop.CreateTimeout(2.0).EnterAsync();
    /// try { await WorkAsync(); }
    /// catch (Exception e) { await cm.ExitAsync(e); throw; }
    /// await cm.ExitAsync(null);
    /// </code>
    /// <para>Differs from asyncio: any <see cref="OperationCanceledException"/> converts, not only
    /// <see cref="CancelledError"/>; leaving a scope never entered throws "Timeout has not been
    /// entered", and leaving twice "Cannot change state of finished Timeout" (or expired), where
    /// asyncio fails an assertion.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The scope was not entered, or was left before; or called from another thread while the loop runs.</exception>
    public ValueTask ExitAsync(Exception? exception)
    {
        _loop.CheckThread(nameof(ExitAsync));
        if (_state == ScopeState.Created)
            ThrowHelper.TimeoutNotEntered();
        if (_state is ScopeState.Expired or ScopeState.Exited)
            ThrowHelper.TimeoutStateFinal(StateName);
        return Exit(exception, outcomeKnown: true)
            ? ValueTask.FromException(ThrowHelper.TimeoutError(exception))
            : default;
    }

    /// <summary>Leaves the scope at the end of an <c>await using</c> block: <see cref="ExitAsync(Exception?)"/> without the body's exception, which <c>await using</c> does not pass on.</summary>
    /// <remarks>
    /// <para>Does nothing for a scope never entered or already left (by <see cref="ExitAsync(Exception?)"/>).</para>
    /// <para>When the deadline passed, the body is taken to have ended with the scope's
    /// cancellation, as it almost always does, and the scope throws
    /// <see cref="TimeoutException"/> (when no other cancellation of the task is pending). So a
    /// body that caught that cancellation and finished, or ended with another exception, ends
    /// here with <see cref="TimeoutException"/> too, where asyncio's <c>__aexit__</c> would let
    /// the body's outcome stand. For asyncio's exact rule, call <see cref="ExitAsync(Exception?)"/>
    /// in a <c>catch</c> (this then does nothing), or use
    /// <see cref="StructuredConcurrency.Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public ValueTask DisposeAsync()
    {
        _loop.CheckThread(nameof(DisposeAsync));
        if (_state is not (ScopeState.Entered or ScopeState.Expiring))
            return default;
        return Exit(null, outcomeKnown: false)
            ? ValueTask.FromException(ThrowHelper.TimeoutError())
            : default;
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

    internal void EnterCore()
    {
        if (_state != ScopeState.Created)
            ThrowHelper.TimeoutAlreadyEntered();
        var task = _loop.CurrentTask ?? throw ThrowHelper.TimeoutOutsideTaskError();
        _state = ScopeState.Entered;
        _task = task;
        _cancelling = task.Cancelling;
        Reschedule(_when);
    }

    /// <summary>Ends the block when <paramref name="token"/> fires, as the deadline does; the cancellation then comes out as <see cref="OperationCanceledException"/>.</summary>
    /// <remarks>Call after <see cref="EnterCore"/>. A token that cannot be cancelled costs nothing.</remarks>
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
    internal bool ExitCore(Exception? exception) => Exit(exception, outcomeKnown: true);

    // outcomeKnown false (await using): a passed deadline is taken as the body's end.
    private bool Exit(Exception? exception, bool outcomeKnown)
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
            return _task!.Uncancel() <= _cancelling && (exception is OperationCanceledException || !outcomeKnown);
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
