using Asyncio.Internal;

namespace Asyncio;

/// <summary>The loop's clock as a <see cref="System.TimeProvider"/>: .NET timers and delays on loop time.</summary>
/// <remarks>
/// <para>asyncio: no twin. Get it from <see cref="EventLoop.TimeProvider"/>, then
/// <c>Task.Delay(span, loop.TimeProvider)</c>, <c>new PeriodicTimer(span, loop.TimeProvider)</c>,
/// <c>new CancellationTokenSource(span, loop.TimeProvider)</c> and
/// <c>task.WaitAsync(span, loop.TimeProvider)</c> all run on the loop's clock: on virtual
/// time, an hour of them takes no real time.</para>
/// <para>Timers are loop timers: their callbacks run on the loop thread, in (deadline,
/// scheduling order). Created or changed from another thread, they are armed through the
/// thread-safe inbox. Timestamps count nanoseconds of loop time; on virtual time
/// <see cref="GetUtcNow"/> is the Unix epoch plus the loop's time.</para>
/// </remarks>
public sealed class LoopTimeProvider : TimeProvider
{
    private const long NanosecondsPerSecond = 1_000_000_000;
    private readonly EventLoop _loop;

    internal LoopTimeProvider(EventLoop loop) => _loop = loop;

    /// <summary>Nanoseconds: the unit of <see cref="GetTimestamp"/>.</summary>
    public override long TimestampFrequency => NanosecondsPerSecond;

    /// <summary>The loop's time (<see cref="EventLoop.Time"/>) in nanoseconds.</summary>
    public override long GetTimestamp() => (long)Math.Round(_loop.Time() * NanosecondsPerSecond);

    /// <summary>The current time: the system's on real time; the Unix epoch plus loop time on virtual time.</summary>
    public override DateTimeOffset GetUtcNow() =>
        _loop.IsVirtualTime ? DateTimeOffset.UnixEpoch.AddTicks((long)(_loop.Time() * TimeSpan.TicksPerSecond)) : DateTimeOffset.UtcNow;

    /// <summary>UTC on virtual time, so that runs are reproducible; the system's zone otherwise.</summary>
    public override TimeZoneInfo LocalTimeZone => _loop.IsVirtualTime ? TimeZoneInfo.Utc : TimeZoneInfo.Local;

    /// <summary>Creates a timer whose callback runs on the loop at loop time.</summary>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new LoopTimer(_loop, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>An <see cref="ITimer"/> made of loop timers; re-armed after each tick when periodic.</summary>
    private sealed class LoopTimer(EventLoop loop, TimerCallback callback, object? state) : ITimer
    {
        private TimerHandle? _handle;
        private TimeSpan _period = global::System.Threading.Timeout.InfiniteTimeSpan;
        private bool _disposed;
        private int _version; // ignores arming requests that a later Change superseded

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed)
                return false;
            ValidateSpan(dueTime, nameof(dueTime));
            ValidateSpan(period, nameof(period));
            int version = Interlocked.Increment(ref _version);
            if (loop.IsLoopThread || !loop.IsRunning)
                Arm(dueTime, period, version);
            else
                loop.CallSoonThreadsafe(() => Arm(dueTime, period, version));
            return true;
        }

        private void Arm(TimeSpan dueTime, TimeSpan period, int version)
        {
            if (_disposed || version != Volatile.Read(ref _version) || loop.IsClosed)
                return;
            _handle?.Cancel();
            _handle = null;
            _period = period;
            if (dueTime != global::System.Threading.Timeout.InfiniteTimeSpan)
                _handle = loop.CallLater(dueTime.TotalSeconds, static s => ((LoopTimer)s!).Tick(), this);
        }

        private void Tick()
        {
            _handle = null;
            if (_period != global::System.Threading.Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
                _handle = loop.CallLater(_period.TotalSeconds, static s => ((LoopTimer)s!).Tick(), this);
            callback(state);
        }

        public void Dispose()
        {
            _disposed = true;
            if (loop.IsLoopThread || !loop.IsRunning)
            {
                if (!loop.IsClosed)
                    _handle?.Cancel();
                _handle = null;
            }
            else if (!loop.IsClosed)
            {
                loop.CallSoonThreadsafe(() => { _handle?.Cancel(); _handle = null; });
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private static void ValidateSpan(TimeSpan span, string name)
        {
            if (span < TimeSpan.Zero && span != global::System.Threading.Timeout.InfiniteTimeSpan)
                throw new ArgumentOutOfRangeException(name, span, "A timer's due time and period must be zero or more, or Timeout.InfiniteTimeSpan.");
        }
    }
}
