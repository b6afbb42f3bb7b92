using Asyncio.Internal;

namespace Asyncio;

public sealed partial class EventLoop
{
    /// <summary>The loop's clock as a <see cref="System.TimeProvider"/>, for .NET delays and timers on loop time.</summary>
    /// <remarks>asyncio: no twin; see <see cref="LoopTimeProvider"/>.</remarks>
    public LoopTimeProvider TimeProvider => _timeProvider ??= new LoopTimeProvider(this);

    /// <summary>The clock's resolution in seconds: asyncio's <c>loop._clock_resolution</c>.</summary>
    /// <remarks>
    /// One tick of <see cref="System.Diagnostics.Stopwatch"/> on real time (a nanosecond on
    /// Linux); on virtual time, time is a double and the resolution is that of a double.
    /// Timers are never early at any resolution: a timer is due when its deadline is at or
    /// before the clock.
    /// </remarks>
    public double ClockResolution => _clock.IsVirtual ? 0 : 1.0 / System.Diagnostics.Stopwatch.Frequency;

    /// <summary>Moves virtual time forward by <paramref name="seconds"/>; due timers fire at the next iteration.</summary>
    /// <remarks>
    /// asyncio: no twin (test loops in CPython's suite advance a fake clock the same way).
    /// Throws on a real-time loop, and for negative or NaN amounts.
    /// </remarks>
    public void AdvanceTime(double seconds)
    {
        CheckThread(nameof(AdvanceTime));
        if (double.IsNaN(seconds) || seconds < 0 || double.IsInfinity(seconds))
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "Time only moves forward, by a finite number of seconds: give zero or more.");
        AdvanceTimeTo(Time() + seconds);
    }

    /// <summary>Moves virtual time forward by <paramref name="duration"/>; due timers fire at the next iteration.</summary>
    /// <remarks>asyncio: no twin; <see cref="AdvanceTime(double)"/> with the amount as a <see cref="TimeSpan"/>.</remarks>
    public void AdvanceTime(TimeSpan duration) => AdvanceTime(duration.TotalSeconds);

    /// <summary>Moves virtual time forward to loop time <paramref name="when"/>; due timers fire at the next iteration.</summary>
    /// <remarks>asyncio: no twin. A time in the past is an error: virtual time never goes back.</remarks>
    public void AdvanceTimeTo(double when)
    {
        if (_clock is not VirtualClock virtualClock)
            throw new InvalidOperationException("AdvanceTime needs a loop on virtual time (EventLoopOptions.VirtualTime).");
        CheckThread(nameof(AdvanceTimeTo));
        if (double.IsNaN(when) || when < virtualClock.Now || double.IsInfinity(when))
            throw new ArgumentOutOfRangeException(nameof(when), when, $"Virtual time is {virtualClock.Now}: give a finite time, never earlier.");
        virtualClock.AdvanceTo(when);
    }

    /// <summary>A duration as asyncio's seconds; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> is no deadline, as .NET means it.</summary>
    internal static double? Seconds(TimeSpan duration) =>
        duration == System.Threading.Timeout.InfiniteTimeSpan ? null : duration.TotalSeconds;

    // ---- Sleep ------------------------------------------------------------------------------

    /// <summary>Suspends the awaiting task for <paramref name="delay"/> seconds: asyncio's <c>await asyncio.sleep(delay)</c>.</summary>
    /// <remarks>
    /// <para><c>Sleep(0)</c> (or any delay of zero or less) yields exactly one iteration. A
    /// positive delay waits on a Future completed by a timer; cancelling the task cancels both.
    /// NaN throws <see cref="ArgumentOutOfRangeException"/>.</para>
    /// </remarks>
    public SleepAwaitable Sleep(double delay)
    {
        if (double.IsNaN(delay))
            ThrowHelper.NaN(nameof(delay));
        return new SleepAwaitable(this, delay);
    }

    /// <summary>Suspends the awaiting task for <paramref name="delay"/>: asyncio's <c>await asyncio.sleep(delay)</c>.</summary>
    public SleepAwaitable Sleep(TimeSpan delay) => Sleep(delay.TotalSeconds);

    /// <summary>Suspends the awaiting task for <paramref name="delay"/> seconds, or until <paramref name="cancellationToken"/> fires: asyncio's <c>await asyncio.sleep(delay)</c> with a .NET token.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.sleep(delay)</c>. When the token fires, from any thread, the sleep
    /// ends with <see cref="OperationCanceledException"/> (and its timer is cancelled). Must be
    /// awaited inside a task.</para>
    /// <para>A <see cref="Task"/>, unlike <see cref="Sleep(double)"/>, so that the plain sleep
    /// keeps its allocation-free awaiter.</para>
    /// </remarks>
    public Task Sleep(double delay, CancellationToken cancellationToken)
    {
        var sleep = Sleep(delay);
        return this.WaitFor(sleep, null, cancellationToken);
    }

    /// <summary>Suspends the awaiting task for <paramref name="delay"/>, or until <paramref name="cancellationToken"/> fires: asyncio's <c>await asyncio.sleep(delay)</c> with a .NET token.</summary>
    /// <remarks>See <see cref="Sleep(double, CancellationToken)"/>.</remarks>
    public Task Sleep(TimeSpan delay, CancellationToken cancellationToken) => Sleep(delay.TotalSeconds, cancellationToken);

    /// <summary>Suspends for <paramref name="delay"/> seconds, then returns <paramref name="result"/>: asyncio's <c>asyncio.sleep(delay, result)</c>.</summary>
    /// <remarks>When <paramref name="cancellationToken"/> fires, from any thread, it ends with <see cref="OperationCanceledException"/>.</remarks>
    public async Task<T> Sleep<T>(double delay, T result, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.CanBeCanceled)
            await Sleep(delay, cancellationToken);
        else
            await Sleep(delay);
        return result;
    }

    /// <summary>Suspends for <paramref name="delay"/>, then returns <paramref name="result"/>: asyncio's <c>asyncio.sleep(delay, result)</c>.</summary>
    /// <remarks>See <see cref="Sleep{T}(double, T, CancellationToken)"/>.</remarks>
    public Task<T> Sleep<T>(TimeSpan delay, T result, CancellationToken cancellationToken = default) =>
        Sleep(delay.TotalSeconds, result, cancellationToken);

    // ---- What a virtual clock must not jump over ------------------------------------------------

    /// <summary>Something outside the loop may post to it (a .NET Task awaited by a task, a socket read or accept): no deadlock while it lasts.</summary>
    internal void ForeignWaitStarted() => _foreignWaits++;

    internal void ForeignWaitEnded() => _foreignWaits--;

    /// <summary>A pending socket read or accept that can tell whether its completion is on its way (bytes or a connection already arrived).</summary>
    internal interface IReadinessProbe
    {
        bool IsReady { get; }
    }

    /// <summary>A foreign wait that can be probed: while it is ready, a virtual clock treats it as real work in flight.</summary>
    internal void ProbedWaitStarted(IReadinessProbe probe)
    {
        _foreignWaits++;
        (_probes ??= new HashSet<IReadinessProbe>(ReferenceEqualityComparer.Instance)).Add(probe);
    }

    internal void ProbedWaitEnded(IReadinessProbe probe)
    {
        _foreignWaits--;
        _probes?.Remove(probe);
    }

    /// <summary>Whether <paramref name="probe"/> is registered (Debug invariants).</summary>
    internal bool IsProbing(IReadinessProbe probe) => _probes?.Contains(probe) == true;

    /// <summary>Whether a probed wait has its completion on the way: the virtual clock must not jump over it.</summary>
    private bool AnyProbeReady()
    {
        if (_probes is not { Count: > 0 } probes)
            return false;
        foreach (var probe in probes)
        {
            try
            {
                if (probe.IsReady)
                    return true;
            }
            catch (Exception)
            {
                return true; // a socket closed under the probe: its operation is about to end
            }
        }
        return false;
    }

    /// <summary>Real work the loop waits on is in flight (a thread-pool job, a send, a child process): a virtual clock does not jump past it.</summary>
    /// <remarks>Counts as a foreign wait too. Loop thread only.</remarks>
    internal void RealWorkStarted()
    {
        _foreignWaits++;
        _realWork++;
    }

    internal void RealWorkEnded()
    {
        _foreignWaits--;
        _realWork--;
    }
}
