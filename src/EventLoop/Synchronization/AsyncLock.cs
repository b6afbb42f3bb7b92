using System.Diagnostics;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>A mutual-exclusion lock for the tasks of one loop: asyncio's <c>Lock</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.Lock</c>.</para>
/// <para>Not owned by a task: any code on the loop may release it. Waiters are served in FIFO
/// order; <see cref="Release"/> wakes the first one, which takes the lock when it resumes, and
/// a newcomer arriving in between queues behind it rather than jumping ahead. A waiter cancelled
/// after it was woken passes the wake-up to the next one, so a release is never lost.</para>
/// <para>Bound to the loop it first waits on (asyncio's <c>_LoopBoundMixin</c>): waiting on it
/// from another loop throws <see cref="InvalidOperationException"/>. Not thread-safe: once bound,
/// <see cref="AcquireAsync"/>, <see cref="LockAsync"/>, <see cref="TryAcquire"/> and <see cref="Release"/> called from
/// another thread while that loop runs throw <see cref="InvalidOperationException"/> before
/// the lock or its line changes.</para>
/// <para>Differs from asyncio: <c>async with lock:</c> is <c>using (await lock.LockAsync())</c>.</para>
/// </remarks>
public sealed class AsyncLock : IReleasable, IWaitLine
{
    // Invariant (asyncio locks.py): a waiter stays in _waiters until its own acquire removes it
    // after the await; at most one waiter is done-but-not-resumed while the lock is free.
    private WaiterQueue? _waiters;
    private bool _locked;
    private EventLoop? _loop;

    /// <summary>Creates an unlocked lock: asyncio's <c>Lock()</c>.</summary>
    public AsyncLock()
    {
    }

    /// <summary>Whether the lock is held: asyncio's <c>lock.locked()</c>.</summary>
    public bool Locked => _locked;

    /// <summary>Number of tasks waiting for the lock, woken ones included (diagnostics).</summary>
    internal int WaiterCount => _waiters?.Count ?? 0;

    /// <summary>Takes the lock, waiting in line while it is held; returns <see langword="true"/>: asyncio's <c>await lock.acquire()</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>lock.acquire()</c>.</para>
    /// <para>A free lock with no live waiter is taken at once, without suspending and without
    /// allocating. Cancelled while waiting, it throws <see cref="CancelledError"/> and, if the lock
    /// is free, wakes the next waiter.</para>
    /// </remarks>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread; the waiter leaves the line and nothing is taken. Not looked at when the call does not wait.</param>
    public ValueTask<bool> AcquireAsync(CancellationToken cancellationToken = default)
    {
        _loop?.CheckThread(nameof(AcquireAsync));
        return TryTakeNow() ? new ValueTask<bool>(true) : AcquireSlowAsync(cancellationToken);
    }

    /// <summary>Takes the lock and returns a releaser for <c>using</c>: asyncio's <c>async with lock:</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>Lock.__aenter__</c>; disposing the result is <c>__aexit__</c>.</para>
    /// <para><c>using (await lk.LockAsync()) { … }</c> releases on every way out of the block.</para>
    /// </remarks>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread; the waiter leaves the line and nothing is taken. Not looked at when the call does not wait.</param>
    public ValueTask<LockReleaser> LockAsync(CancellationToken cancellationToken = default)
    {
        _loop?.CheckThread(nameof(LockAsync));
        return TryTakeNow() ? new ValueTask<LockReleaser>(new LockReleaser(this)) : LockSlowAsync(cancellationToken);
    }

    /// <summary>Takes the lock if that needs no wait; returns whether it did: the non-waiting form of asyncio's <c>await lock.acquire()</c>.</summary>
    /// <remarks>
    /// <para>asyncio: no twin (threading's <c>lock.acquire(blocking=False)</c> is the idea); it is
    /// <see cref="AcquireAsync"/> without its wait: never suspends, never yields to the loop.</para>
    /// <para>Fair as <c>acquire()</c> is: a free lock is refused while a live waiter is in line,
    /// even one woken and not yet resumed, so a caller never jumps the queue. A
    /// <see langword="true"/> result is released with <see cref="Release"/>.</para>
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
    // makes a future: "fair scheduling" takes a free lock only when no live waiter is in line.
    private bool TryTakeNow()
    {
        if (_locked || (_waiters is not null && !_waiters.AllCancelled()))
            return false;
        _locked = true;
        AssertInvariants();
        return true;
    }

    // Held, or free with a live waiter first in line: wait in line, as an LineWaiter (see
    // there) rather than an async method. A lock bound to another loop throws at the await.
    private ValueTask<LockReleaser> LockSlowAsync(CancellationToken cancellationToken) =>
        LineWaiter.Wait(ref _loop, this, new LockReleaser(this), cancellationToken);

    private ValueTask<bool> AcquireSlowAsync(CancellationToken cancellationToken) =>
        LineWaiter.Wait(ref _loop, this, true, cancellationToken);

    /// <summary>Throws when called from another thread while the loop the lock is bound to runs.</summary>
    internal void CheckThread(string operation) => _loop?.CheckThread(operation);

    WaiterQueue IWaitLine.Waiters => _waiters ??= new WaiterQueue(this);

    // asyncio: cancelled while (or after) being woken. The lock is free and nobody will take it
    // unless the next waiter is told.
    void IWaitLine.OnWaitCancelled(Future<bool> waiter)
    {
        if (!_locked)
            WakeUpFirst();
        AssertInvariants();
    }

    void IWaitLine.OnWaitSucceeded()
    {
        _locked = true;
        AssertInvariants();
    }

    /// <summary>Releases the lock and wakes the first waiter: asyncio's <c>lock.release()</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>lock.release()</c>.</para>
    /// <para>Throws <see cref="InvalidOperationException"/> "Lock is not acquired." when the lock is
    /// not held (asyncio's <c>RuntimeError</c>).</para>
    /// </remarks>
    public void Release()
    {
        _loop?.CheckThread(nameof(Release));
        if (!_locked)
            ThrowHelper.LockNotAcquired();
        _locked = false;
        WakeUpFirst();
        AssertInvariants();
    }

    // asyncio's _wake_up_first: only the head. A head that is done already will resume and
    // either take the lock or, cancelled, come back here for the next one.
    private void WakeUpFirst()
    {
        var waiters = _waiters;
        if (waiters is null || waiters.Count == 0)
            return;
        var first = waiters[0];
        if (!first.Done)
            first.SetResult(true);
    }

    // The invariant above, from the line's side: a woken waiter (done, not cancelled) is the
    // head, and only while the lock is free, for it takes the lock when it resumes. Only the
    // first waiters are looked at, so that a Debug run with a long line stays linear.
    [Conditional("DEBUG")]
    internal void AssertInvariants()
    {
        if (_waiters is not { } waiters)
            return;
        for (int i = 0; i < Math.Min(waiters.Count, 8); i++)
        {
            var waiter = waiters[i];
            Debug.Assert(!waiter.Done || waiter.Cancelled || (i == 0 && !_locked),
                "AsyncLock: a woken waiter is the head of the line, and the lock is free until it resumes");
        }
    }

    /// <summary>asyncio's repr: <c>&lt;AsyncLock [locked, waiters:2]&gt;</c>.</summary>
    public override string ToString()
    {
        string extra = _locked ? "locked" : "unlocked";
        if (_waiters is { Count: > 0 } waiters)
            extra += $", waiters:{waiters.Count}";
        return $"<AsyncLock [{extra}]>";
    }
}
