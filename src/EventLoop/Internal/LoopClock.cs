using System.Diagnostics;

namespace Asyncio.Internal;

/// <summary>The loop's only source of time, in seconds as a double (as asyncio's <c>loop.time()</c>).</summary>
internal abstract class LoopClock
{
    public abstract double Now { get; }

    /// <summary>True when time moves only because the loop jumps it to the next deadline.</summary>
    public abstract bool IsVirtual { get; }
}

/// <summary>The system's monotonic clock (<see cref="Stopwatch"/>), as <c>time.monotonic()</c>.</summary>
internal sealed class MonotonicClock : LoopClock
{
    private static readonly double s_secondsPerTick = 1.0 / Stopwatch.Frequency;

    public override double Now => Stopwatch.GetTimestamp() * s_secondsPerTick;

    public override bool IsVirtual => false;
}

/// <summary>Virtual time: starts at zero and moves only when told to, never backwards.</summary>
internal sealed class VirtualClock : LoopClock
{
    private double _now;

    public override double Now => _now;

    public override bool IsVirtual => true;

    public void AdvanceTo(double when)
    {
        if (when > _now)
            _now = when;
    }
}
