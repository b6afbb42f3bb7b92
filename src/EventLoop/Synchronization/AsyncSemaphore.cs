using System.Diagnostics;
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
            ThrowHelper.SemaphoreInitialValue();
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
        return TryTakeNow() ? new ValueTask<bool>(true) : AcquireSlowAsync(cancellationToken);
    }

    /// <summary>Takes a permit and returns a releaser for <c>using</c>: asyncio's <c>async with sem:</c>.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread; the waiter leaves the line and nothing is taken. Not looked at when the call does not wait.</param>
    public ValueTask<LockReleaser> LockAsync(CancellationToken cancellationToken = default)
    {
        _loop?.CheckThread(nameof(LockAsync));
        return TryTakeNow() ? new ValueTask<LockReleaser>(new LockReleaser(this)) : LockSlowAsync(cancellationToken);
    }

    /// <summary>Takes a permit if that needs no wait; returns whether it did: the non-waiting form of asyncio's <c>await sem.acquire()</c>.</summary>
    /// <remarks>
    /// <para>asyncio: no twin (threading's <c>sem.acquire(blocking=False)</c> is the idea); it is
    /// <see cref="AcquireAsync"/> without its wait: never suspends, never yields to the loop.</para>
    /// <para>Fair as <c>acquire()</c> is: it fails whenever <see cref="Locked"/> is true, that is
    /// with no permit free or with a live waiter in line, even when <see cref="Value"/> would
    /// allow it, so a caller never jumps the queue. A <see langword="true"/> result is given back
    /// with <see cref="Release"/>.</para>
    /// <para>Refuses as the other members do, before anything changes: from another thread while
    /// the loop it is bound to runs, it throws <see cref="InvalidOperationException"/>. As
    /// <c>acquire()</c>'s fast path, it does not look at the loop otherwise (a closed loop, or
    /// none, is not an error).</para>
    /// </remarks>
    public bool TryAcquire()
    {
        _loop?.CheckThread(nameof(TryAcquire));
        return TryTakeNow();
    }

    // The one fast path of AcquireAsync, LockAsync and TryAcquire, asyncio's acquire() before it
    // makes a future: "maintain FIFO", so a free permit is not taken while a live waiter is in line.
    private bool TryTakeNow()
    {
        if (Locked)
            return false;
        _value--;
        AssertInvariants();
        return true;
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
        AssertInvariants();
    }

    // Permits released while we were queued may be waiting for the next in line.
    void IWaitLine.OnWaitSucceeded()
    {
        if (_value > 0)
            WakeUpNext();
        AssertInvariants();
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
        AssertInvariants();
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

    // The invariant above, from the line's side: the count is never negative, and a free permit
    // and a waiter still pending go together only behind a woken waiter (done, not cancelled)
    // that has not resumed yet, which passes one on when it does. Only the first waiters are
    // looked at, so that a Debug run with a long line stays linear.
    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_value >= 0, "AsyncSemaphore: the count of free permits is negative");
        if (_value == 0 || _waiters is not { } waiters)
            return;
        bool wokenAhead = false;
        for (int i = 0; i < Math.Min(waiters.Count, 8); i++)
        {
            var waiter = waiters[i];
            if (waiter.Done)
                wokenAhead |= !waiter.Cancelled;
            else
                Debug.Assert(wokenAhead, "AsyncSemaphore: a permit is free while a waiter that nobody will wake is in line");
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
