using Asyncio.Internal;

namespace Asyncio;

/// <summary>A counter of permits that tasks take and give back: asyncio's <c>Semaphore</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.Semaphore(value=1)</c>.</para>
/// <para>Waiters are served in FIFO order: while any live waiter is queued, a newcomer queues
/// too even if a permit is free. A waiter cancelled after it was handed a permit gives it back
/// and wakes the next one, so a permit is never lost. <see cref="Release"/> never blocks and
/// may raise the count above its initial value (see <see cref="AsyncBoundedSemaphore"/>).</para>
/// <para>Bound to the loop it first waits on; not thread-safe: once bound, its members called
/// from another thread while that loop runs throw <see cref="InvalidOperationException"/>
/// before a permit or a waiter changes.</para>
/// </remarks>
public class AsyncSemaphore : IReleasable, IWaitLine
{
    // Invariant (asyncio locks.py, 3.12): _value counts permits not handed to anyone; a waiter
    // woken by WakeUpNext already owns the permit it was given (the decrement happened there).
    private WaiterQueue? _waiters;
    private int _value;
    private EventLoop? _loop;

    /// <summary>Creates a semaphore with <paramref name="value"/> permits: asyncio's <c>Semaphore(value=1)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is negative: "Semaphore initial value must be &gt;= 0" (asyncio's <c>ValueError</c>).</exception>
    public AsyncSemaphore(int value = 1)
    {
        if (value < 0)
            throw new ArgumentOutOfRangeException(nameof(value), value, "Semaphore initial value must be >= 0");
        _value = value;
    }

    /// <summary>The permits free right now: asyncio's <c>sem._value</c>.</summary>
    public int Value => _value;

    /// <summary>Number of waiters in line, woken ones included (diagnostics and tests).</summary>
    internal int WaiterCount => _waiters?.Count ?? 0;

    /// <summary>Whether an acquire would have to wait: asyncio's <c>sem.locked()</c>.</summary>
    /// <remarks>asyncio: <c>sem.locked()</c>: no permit is free, or a live waiter is ahead in line.</remarks>
    public bool Locked => _value == 0 || (_waiters is { Count: > 0 } waiters && !waiters.AllCancelled());

    /// <summary>Takes a permit, waiting in line when none is free; returns <see langword="true"/>: asyncio's <c>await sem.acquire()</c>.</summary>
    /// <remarks>asyncio: <c>sem.acquire()</c>. Without waiting it neither suspends nor allocates.</remarks>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread; the waiter leaves the line and nothing is taken. Not looked at when the call does not wait.</param>
    public ValueTask<bool> AcquireAsync(CancellationToken cancellationToken = default)
    {
        _loop?.CheckThread(nameof(AcquireAsync));
        if (!Locked)
        {
            _value--;
            return new ValueTask<bool>(true);
        }
        return AcquireSlowAsync(cancellationToken);
    }

    /// <summary>Takes a permit and returns a releaser for <c>using</c>: asyncio's <c>async with sem:</c>.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread; the waiter leaves the line and nothing is taken. Not looked at when the call does not wait.</param>
    public ValueTask<LockReleaser> LockAsync(CancellationToken cancellationToken = default)
    {
        _loop?.CheckThread(nameof(LockAsync));
        if (!Locked)
        {
            _value--;
            return new ValueTask<LockReleaser>(new LockReleaser(this));
        }
        return LockSlowAsync(cancellationToken);
    }

    // No permit, or live waiters first in line: wait in line, as an LineWaiter (see there)
    // rather than an async method. A semaphore bound to another loop throws at the await.
    private ValueTask<LockReleaser> LockSlowAsync(CancellationToken cancellationToken) =>
        LineWaiter.Wait(ref _loop, this, new LockReleaser(this), cancellationToken);

    private ValueTask<bool> AcquireSlowAsync(CancellationToken cancellationToken) =>
        LineWaiter.Wait(ref _loop, this, true, cancellationToken);

    WaiterQueue IWaitLine.Waiters => _waiters ??= new WaiterQueue(this);

    void IWaitLine.OnWaitCancelled(Future<bool> waiter)
    {
        if (!waiter.Cancelled)
        {
            // Woken (handed a permit) but cancelled before resuming: give it back and pass it on.
            _value++;
            WakeUpNext();
        }
    }

    // Permits released while we were queued may be waiting for the next in line.
    void IWaitLine.OnWaitSucceeded()
    {
        if (_value > 0)
            WakeUpNext();
    }

    /// <summary>Gives a permit back and wakes the first waiter: asyncio's <c>sem.release()</c>.</summary>
    /// <exception cref="OverflowException">The count would pass <see cref="int.MaxValue"/> (asyncio's is unbounded).</exception>
    public virtual void Release()
    {
        CheckThread(nameof(Release));
        if (_value == int.MaxValue)
            throw new OverflowException("The semaphore's count cannot go above Int32.MaxValue; Release was called more often than anyone acquired.");
        _value++;
        WakeUpNext();
    }

    // asyncio's _wake_up_next: hand one permit to the first waiter that is not done yet.
    private void WakeUpNext()
    {
        var waiters = _waiters;
        if (waiters is null)
            return;
        for (int i = 0; i < waiters.Count; i++)
        {
            var waiter = waiters[i];
            if (!waiter.Done)
            {
                _value--;
                waiter.SetResult(true);
                return;
            }
        }
    }

    /// <summary>Throws when called from another thread while the loop the semaphore is bound to runs.</summary>
    private protected void CheckThread(string operation) => _loop?.CheckThread(operation);

    /// <summary>The name in <see cref="ToString"/>.</summary>
    private protected virtual string DisplayName => "AsyncSemaphore";

    /// <summary>asyncio's repr: <c>&lt;AsyncSemaphore [unlocked, value:2]&gt;</c>.</summary>
    public override string ToString()
    {
        string extra = Locked ? "locked" : $"unlocked, value:{_value}";
        if (_waiters is { Count: > 0 } waiters)
            extra += $", waiters:{waiters.Count}";
        return $"<{DisplayName} [{extra}]>";
    }
}
