using Asyncio.Internal;

namespace Asyncio;

/// <summary>A flag that tasks can wait for: asyncio's <c>Event</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.Event</c>.</para>
/// <para><see cref="Set"/> wakes every waiter, in the order they started waiting; waiting on a
/// set event returns at once. Bound to the loop it first waits on; not thread-safe (from another
/// thread, call <see cref="Set"/> through <see cref="EventLoop.CallSoonThreadsafe(Action)"/>).
/// Once bound, <see cref="Set"/>, <see cref="Clear"/> and <see cref="WaitAsync"/> called from
/// another thread while that loop runs throw <see cref="InvalidOperationException"/> before the
/// flag changes.</para>
/// </remarks>
public sealed class AsyncEvent : IWaitLine
{
    private WaiterQueue? _waiters;
    private bool _value;
    private EventLoop? _loop;

    /// <summary>Creates an event that is not set: asyncio's <c>Event()</c>.</summary>
    public AsyncEvent()
    {
    }

    /// <summary>Whether the flag is set: asyncio's <c>event.is_set()</c>.</summary>
    public bool IsSet => _value;

    /// <summary>Number of waiters in line, woken ones included (diagnostics and tests).</summary>
    internal int WaiterCount => _waiters?.Count ?? 0;

    /// <summary>Sets the flag and wakes every waiter: asyncio's <c>event.set()</c>.</summary>
    public void Set()
    {
        // Check first: a refused Set must leave the flag unset, or a later Set wakes no one.
        _loop?.CheckThread(nameof(Set));
        SetCore();
    }

    // Set once the thread is checked (the queue's join event, set by the queue's own members).
    internal void SetCore()
    {
        if (_value)
            return;
        _value = true;
        if (_waiters is { } waiters)
        {
            for (int i = 0; i < waiters.Count; i++)
            {
                var waiter = waiters[i];
                if (!waiter.Done)
                    waiter.SetResult(true);
            }
        }
    }

    /// <summary>Clears the flag, so that later waits block: asyncio's <c>event.clear()</c>.</summary>
    /// <remarks>asyncio: <c>event.clear()</c>. Waiters already woken by <see cref="Set"/> still return.</remarks>
    public void Clear()
    {
        _loop?.CheckThread(nameof(Clear));
        _value = false;
    }

    // Clear once the thread is checked (the queue's join event, on every put).
    internal void ClearCore() => _value = false;

    /// <summary>Waits until the flag is set; returns <see langword="true"/>: asyncio's <c>await event.wait()</c>.</summary>
    /// <remarks>asyncio: <c>event.wait()</c>. Returns at once, without allocating, when the flag is set.</remarks>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread; the waiter leaves the line and the flag is untouched. Not looked at when the call does not wait.</param>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken = default)
    {
        _loop?.CheckThread(nameof(WaitAsync));
        return _value ? new ValueTask<bool>(true) : WaitSlowAsync(cancellationToken);
    }

    // Unset: wait in line, as a LineWaiter (see there) rather than an async method. An event
    // bound to another loop throws at the await.
    private ValueTask<bool> WaitSlowAsync(CancellationToken cancellationToken) => LineWaiter.Wait(ref _loop, this, true, cancellationToken);

    WaiterQueue IWaitLine.Waiters => _waiters ??= new WaiterQueue(this);

    // asyncio's wait() has no except block and nothing to take once woken.
    void IWaitLine.OnWaitCancelled(Future<bool> waiter)
    {
    }

    void IWaitLine.OnWaitSucceeded()
    {
    }

    /// <summary>asyncio's repr: <c>&lt;AsyncEvent [unset, waiters:1]&gt;</c>.</summary>
    public override string ToString()
    {
        string extra = _value ? "set" : "unset";
        if (_waiters is { Count: > 0 } waiters)
            extra += $", waiters:{waiters.Count}";
        return $"<AsyncEvent [{extra}]>";
    }
}
