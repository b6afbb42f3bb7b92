using Asyncio.Internal;

namespace Asyncio;

public sealed partial class EventLoop
{
    private LoopTimeProvider? _timeProvider;

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
}
