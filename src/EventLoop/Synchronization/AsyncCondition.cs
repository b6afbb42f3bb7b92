using System.Runtime.ExceptionServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>A condition variable over an <see cref="AsyncLock"/>: asyncio's <c>Condition</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.Condition(lock=None)</c>.</para>
/// <para>Hold the lock to <see cref="WaitAsync"/> or <see cref="Notify"/>. Waiters are notified
/// in FIFO order; a notified waiter returns only once it holds the lock again, and it re-takes
/// the lock even when cancelled (then throws <see cref="CancelledError"/>).</para>
/// <para>Adopts 3.13's fix (gh-112202): a waiter that ends with an exception after it may have
/// been notified passes one notification on, so a cancelled waiter never swallows a
/// <see cref="Notify"/>; another waiter may then wake spuriously, which condition variables
/// allow (always re-check the state, or use <see cref="WaitForAsync"/>).</para>
/// <para>Bound to the loop it first waits on; not thread-safe: once it or its lock is bound,
/// its members called from another thread while that loop runs throw
/// <see cref="InvalidOperationException"/> before anything changes.</para>
/// </remarks>
public sealed class AsyncCondition : IReleasable
{
    private readonly AsyncLock _lock;
    private WaiterQueue? _waiters;
    private EventLoop? _loop;

    /// <summary>Creates a condition over <paramref name="lock"/>, or over a new lock: asyncio's <c>Condition(lock=None)</c>.</summary>
    public AsyncCondition(AsyncLock? @lock = null) => _lock = @lock ?? new AsyncLock();

    /// <summary>Whether the underlying lock is held: asyncio's <c>cond.locked()</c>.</summary>
    public bool Locked => _lock.Locked;

    /// <summary>Number of waiters in line, woken ones included (diagnostics and tests).</summary>
    internal int WaiterCount => _waiters?.Count ?? 0;

    /// <summary>Takes the underlying lock: asyncio's <c>await cond.acquire()</c>.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread; the waiter leaves the line and nothing is taken. Not looked at when the call does not wait.</param>
    public ValueTask<bool> AcquireAsync(CancellationToken cancellationToken = default)
    {
        CheckThread(nameof(AcquireAsync));
        return _lock.AcquireAsync(cancellationToken);
    }

    /// <summary>Takes the underlying lock and returns a releaser for <c>using</c>: asyncio's <c>async with cond:</c>.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread; the waiter leaves the line and nothing is taken. Not looked at when the call does not wait.</param>
    public ValueTask<LockReleaser> LockAsync(CancellationToken cancellationToken = default)
    {
        CheckThread(nameof(LockAsync));
        return _lock.LockAsync(cancellationToken);
    }

    /// <summary>Takes the underlying lock if that needs no wait; returns whether it did: see <see cref="AsyncLock.TryAcquire"/>.</summary>
    /// <remarks>asyncio: no twin; the non-waiting form of <c>await cond.acquire()</c>, as fair as it is. From another thread while the loop the condition (or its lock) is bound to runs, it throws <see cref="InvalidOperationException"/> before anything changes.</remarks>
    public bool TryAcquire()
    {
        CheckThread(nameof(TryAcquire));
        return _lock.TryAcquire();
    }

    /// <summary>Releases the underlying lock: asyncio's <c>cond.release()</c>; "Lock is not acquired." when it is not held.</summary>
    public void Release()
    {
        CheckThread(nameof(Release));
        _lock.Release();
    }

    /// <summary>Throws when called from another thread while the loop the condition (or its lock) is bound to runs.</summary>
    internal void CheckThread(string operation)
    {
        _loop?.CheckThread(operation);
        _lock.CheckThread(operation);
    }

    /// <summary>Releases the lock, waits for a notification, re-takes the lock; returns <see langword="true"/>: asyncio's <c>await cond.wait()</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>cond.wait()</c>.</para>
    /// <para>Throws <see cref="InvalidOperationException"/> "cannot wait on un-acquired lock" when
    /// the lock is not held. On cancellation the lock is re-taken before
    /// <see cref="CancelledError"/> is thrown.</para>
    /// </remarks>
    /// <param name="cancellationToken">Ends the wait for a notification with <see cref="OperationCanceledException"/> when it fires, from any thread; as with a cancelled task, the lock is held again before it is thrown.</param>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken = default)
    {
        // Check first, before the lock is released: a refused wait keeps holding it.
        CheckThread(nameof(WaitAsync));
        if (!Locked)
            ThrowHelper.ConditionWaitUnacquired();
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<bool>(cancellationToken);
        return WaitCoreAsync(cancellationToken);
    }

    private async ValueTask<bool> WaitCoreAsync(CancellationToken cancellationToken)
    {
        var waiter = new WaiterFuture(LoopBinding.Get(ref _loop, this));
        _lock.Release();
        try
        {
            try
            {
                var waiters = _waiters ??= new WaiterQueue(this);
                waiters.Enqueue(waiter);
                using var registration = TokenCancellation.Register(waiter, cancellationToken);
                try
                {
                    await waiter;
                    return true;
                }
                finally
                {
                    waiters.Remove(waiter);
                }
            }
            finally
            {
                // The lock must be held again on every way out, even a cancelled one: retry,
                // and remember the most recent cancellation to throw once it is held.
                CancelledError? error = null;
                while (true)
                {
                    try
                    {
                        await _lock.AcquireAsync();
                        break;
                    }
                    catch (CancelledError e)
                    {
                        error = e;
                    }
                }
                if (error is not null)
                    ExceptionDispatchInfo.Throw(error);
            }
        }
        catch
        {
            // 3.13: this waiter may have been notified before the error; hand the
            // notification to someone else rather than lose it (a spurious wake-up at worst).
            NotifyCore(1);
            throw;
        }
    }

    /// <summary>Waits until <paramref name="predicate"/> is true, re-checking after each notification: asyncio's <c>await cond.wait_for(predicate)</c>.</summary>
    /// <remarks>asyncio: <c>cond.wait_for(predicate)</c>. Returns the final value of the predicate (always <see langword="true"/>).</remarks>
    /// <param name="predicate">The condition to wait for, called with the lock held.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread; the lock is held again before it is thrown.</param>
    public ValueTask<bool> WaitForAsync(Func<bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        CheckThread(nameof(WaitForAsync));
        return WaitForCoreAsync(predicate, cancellationToken);
    }

    private async ValueTask<bool> WaitForCoreAsync(Func<bool> predicate, CancellationToken cancellationToken)
    {
        bool result = predicate();
        while (!result)
        {
            await WaitAsync(cancellationToken);
            result = predicate();
        }
        return result;
    }

    /// <summary>Wakes up to <paramref name="n"/> waiters, first come first served: asyncio's <c>cond.notify(n=1)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>cond.notify(n=1)</c>.</para>
    /// <para>Throws <see cref="InvalidOperationException"/> "cannot notify on un-acquired lock" when
    /// the lock is not held. A woken waiter returns from <see cref="WaitAsync"/> only after the
    /// caller releases the lock.</para>
    /// </remarks>
    public void Notify(int n = 1)
    {
        CheckThread(nameof(Notify));
        if (!Locked)
            ThrowHelper.ConditionNotifyUnacquired();
        NotifyCore(n);
    }

    /// <summary>Wakes every waiter: asyncio's <c>cond.notify_all()</c>.</summary>
    /// <remarks>asyncio: <c>cond.notify_all()</c>; the same rules as <see cref="Notify"/>.</remarks>
    public void NotifyAll()
    {
        CheckThread(nameof(NotifyAll));
        Notify(_waiters?.Count ?? 0);
    }

    private void NotifyCore(int n)
    {
        var waiters = _waiters;
        if (waiters is null)
            return;
        int woken = 0;
        for (int i = 0; i < waiters.Count && woken < n; i++)
        {
            var waiter = waiters[i];
            if (!waiter.Done)
            {
                woken++;
                waiter.SetResult(false);
            }
        }
    }

    /// <summary>asyncio's repr: <c>&lt;AsyncCondition [locked, waiters:1]&gt;</c>.</summary>
    public override string ToString()
    {
        string extra = Locked ? "locked" : "unlocked";
        if (_waiters is { Count: > 0 } waiters)
            extra += $", waiters:{waiters.Count}";
        return $"<AsyncCondition [{extra}]>";
    }
}
