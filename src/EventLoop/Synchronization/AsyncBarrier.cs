using Asyncio.Internal;

namespace Asyncio;

/// <summary>Holds tasks until a fixed number of them wait, then lets them all go: asyncio's <c>Barrier</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.Barrier(parties)</c> (3.11).</para>
/// <para>The barrier fills until <see cref="Parties"/> tasks wait, then drains: every waiter
/// returns its arrival index (0 to parties − 1), and tasks arriving while it drains wait for the
/// next round. <see cref="ResetAsync"/> and <see cref="AbortAsync"/> make the waiters throw
/// <see cref="BrokenBarrierError"/>; after an abort every wait throws. Built, as asyncio's, on
/// an <see cref="AsyncCondition"/>. Bound to the loop it first waits on; not thread-safe: once
/// bound, its methods called from another thread while that loop runs throw
/// <see cref="InvalidOperationException"/> at the call, before anything changes.</para>
/// </remarks>
public sealed class AsyncBarrier
{
    private enum State
    {
        Filling,
        Draining,
        Resetting,
        Broken,
    }

    private readonly AsyncCondition _cond = new();
    private readonly int _parties;
    private State _state = State.Filling;
    private int _count;

    /// <summary>Creates a barrier for <paramref name="parties"/> tasks: asyncio's <c>Barrier(parties)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parties"/> is less than 1: "parties must be &gt; 0" (asyncio's <c>ValueError</c>).</exception>
    public AsyncBarrier(int parties)
    {
        if (parties < 1)
            ThrowHelper.BarrierParties();
        _parties = parties;
    }

    /// <summary>The number of tasks needed to trip the barrier: asyncio's <c>barrier.parties</c>.</summary>
    public int Parties => _parties;

    /// <summary>The number of tasks waiting while it fills: asyncio's <c>barrier.n_waiting</c>.</summary>
    public int Waiting => _state == State.Filling ? _count : 0;

    /// <summary>Whether the barrier was aborted: asyncio's <c>barrier.broken</c>.</summary>
    public bool Broken => _state == State.Broken;

    /// <summary>Waits until <see cref="Parties"/> tasks wait; returns this task's arrival index: asyncio's <c>await barrier.wait()</c>.</summary>
    /// <remarks>
    /// asyncio: <c>barrier.wait()</c> (and <c>async with barrier</c>). Throws
    /// <see cref="BrokenBarrierError"/> "Barrier aborted" on a broken barrier and "Abort or reset
    /// of barrier" when reset or aborted while waiting.
    /// </remarks>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread, as a cancelled task would end it: the task leaves the barrier's count.</param>
    public ValueTask<int> WaitAsync(CancellationToken cancellationToken = default)
    {
        _cond.CheckThread(nameof(WaitAsync));
        return WaitCoreAsync(cancellationToken);
    }

    private async ValueTask<int> WaitCoreAsync(CancellationToken cancellationToken)
    {
        using (await _cond.LockAsync(cancellationToken))
        {
            await BlockAsync(cancellationToken);
            try
            {
                int index = _count++;
                if (index + 1 == _parties)
                    ReleaseWaiters();
                else
                    await WaitReleasedAsync(cancellationToken);
                return index;
            }
            finally
            {
                _count--;
                Exit();
            }
        }
    }

    // Wait while a previous round drains or resets; a broken barrier refuses at once.
    private async ValueTask BlockAsync(CancellationToken cancellationToken)
    {
        await _cond.WaitForAsync(() => _state is not (State.Draining or State.Resetting), cancellationToken);
        if (_state == State.Broken)
            throw new BrokenBarrierError("Barrier aborted");
    }

    // The last party arrived: drain, so that later arrivals wait for the next round.
    private void ReleaseWaiters()
    {
        _state = State.Draining;
        _cond.NotifyAll();
    }

    private async ValueTask WaitReleasedAsync(CancellationToken cancellationToken)
    {
        await _cond.WaitForAsync(() => _state != State.Filling, cancellationToken);
        if (_state is State.Broken or State.Resetting)
            throw new BrokenBarrierError("Abort or reset of barrier");
    }

    // The last task out of a draining or resetting barrier opens it for the next round.
    private void Exit()
    {
        if (_count == 0)
        {
            if (_state is State.Resetting or State.Draining)
                _state = State.Filling;
            _cond.NotifyAll();
        }
    }

    /// <summary>Returns the barrier to its empty state; waiting tasks throw <see cref="BrokenBarrierError"/>: asyncio's <c>await barrier.reset()</c>.</summary>
    /// <param name="cancellationToken">Ends the wait for the barrier's lock with <see cref="OperationCanceledException"/> when it fires, from any thread; the barrier is then not reset.</param>
    public ValueTask ResetAsync(CancellationToken cancellationToken = default)
    {
        _cond.CheckThread(nameof(ResetAsync));
        return ResetCoreAsync(cancellationToken);
    }

    private async ValueTask ResetCoreAsync(CancellationToken cancellationToken)
    {
        using (await _cond.LockAsync(cancellationToken))
        {
            if (_count > 0)
            {
                if (_state != State.Resetting)
                    _state = State.Resetting;
            }
            else
            {
                _state = State.Filling;
            }
            _cond.NotifyAll();
        }
    }

    /// <summary>Breaks the barrier: waiting tasks and every later wait throw <see cref="BrokenBarrierError"/>: asyncio's <c>await barrier.abort()</c>.</summary>
    /// <param name="cancellationToken">Ends the wait for the barrier's lock with <see cref="OperationCanceledException"/> when it fires, from any thread; the barrier is then not broken.</param>
    public ValueTask AbortAsync(CancellationToken cancellationToken = default)
    {
        _cond.CheckThread(nameof(AbortAsync));
        return AbortCoreAsync(cancellationToken);
    }

    private async ValueTask AbortCoreAsync(CancellationToken cancellationToken)
    {
        using (await _cond.LockAsync(cancellationToken))
        {
            _state = State.Broken;
            _cond.NotifyAll();
        }
    }

    /// <summary>asyncio's repr: <c>&lt;AsyncBarrier [filling, waiters:1/3]&gt;</c>.</summary>
    public override string ToString()
    {
        string extra = _state.ToString().ToLowerInvariant();
        if (!Broken)
            extra += $", waiters:{Waiting}/{Parties}";
        return $"<AsyncBarrier [{extra}]>";
    }
}
