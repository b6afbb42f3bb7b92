using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Asyncio;

/// <summary>Publishes a loop's vital signs as <see cref="System.Diagnostics.Metrics"/> instruments on a meter named <c>EventLoop</c>.</summary>
/// <remarks>
/// <para>asyncio: no twin.</para>
/// <para>Attach it with <see cref="EventLoop.Observer"/> (or <see cref="Attach"/>); read it with
/// <c>dotnet-counters monitor --counters EventLoop</c>, OpenTelemetry, or a <see cref="MeterListener"/>.
/// The instruments:</para>
/// <list type="table">
/// <listheader><term>name</term><description>what</description></listheader>
/// <item><term><c>eventloop.iterations</c></term><description>counter: iterations run.</description></item>
/// <item><term><c>eventloop.callbacks</c></term><description>counter: callbacks and task steps run.</description></item>
/// <item><term><c>eventloop.callback.duration</c></term><description>histogram, seconds of real time (<see cref="Stopwatch"/>): how long each callback or task step ran.</description></item>
/// <item><term><c>eventloop.lag</c></term><description>histogram, seconds of loop time: how late each timer fired against its deadline.</description></item>
/// <item><term><c>eventloop.ready_queue.length</c></term><description>observable gauge: callbacks in the ready queue.</description></item>
/// <item><term><c>eventloop.timers</c></term><description>observable gauge: timers in the heap (cancelled ones not yet dropped included).</description></item>
/// <item><term><c>eventloop.tasks.active</c></term><description>up/down counter: tasks created and not yet finished.</description></item>
/// </list>
/// <para>The counters are recorded on the loop's thread as events happen; the gauges are read
/// on the collector's thread, so they are a moment's snapshot. Dispose to remove the meter.</para>
/// </remarks>
public sealed class LoopMetrics : LoopObserver, IDisposable
{
    /// <summary>The meter's name: <c>EventLoop</c>.</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public const string MeterName = "EventLoop";

    private readonly EventLoop _loop;
    private readonly Counter<long> _iterations;
    private readonly Counter<long> _callbacks;
    private readonly Histogram<double> _callbackDuration;
    private readonly Histogram<double> _lag;
    private readonly UpDownCounter<long> _activeTasks;
    private long _callbackStarted;

    /// <summary>Creates the meter and its instruments for <paramref name="loop"/>; attach with <see cref="EventLoop.Observer"/>.</summary>
    /// <param name="loop">The loop to measure.</param>
    /// <param name="meterFactory">Where to create the meter (dependency injection); <see langword="null"/> for a meter of its own.</param>
    /// <remarks>asyncio: no twin.</remarks>
    public LoopMetrics(EventLoop loop, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(loop);
        _loop = loop;
        Meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        _iterations = Meter.CreateCounter<long>("eventloop.iterations", "{iteration}", "Loop iterations run.");
        _callbacks = Meter.CreateCounter<long>("eventloop.callbacks", "{callback}", "Callbacks and task steps run.");
        _callbackDuration = Meter.CreateHistogram<double>("eventloop.callback.duration", "s", "Real time each callback or task step ran.");
        _lag = Meter.CreateHistogram<double>("eventloop.lag", "s", "How late timers fired against their deadline, in loop time.");
        _activeTasks = Meter.CreateUpDownCounter<long>("eventloop.tasks.active", "{task}", "Tasks created and not yet finished.");
        Meter.CreateObservableGauge("eventloop.ready_queue.length", () => _loop.ReadyCount, "{callback}", "Callbacks in the ready queue.");
        Meter.CreateObservableGauge("eventloop.timers", () => _loop.TimerCount, "{timer}", "Timers in the heap.");
    }

    /// <summary>Creates the metrics for <paramref name="loop"/> and attaches them as its <see cref="EventLoop.Observer"/>.</summary>
    /// <remarks>asyncio: no twin. Replaces any observer already attached.</remarks>
    public static LoopMetrics Attach(EventLoop loop, IMeterFactory? meterFactory = null)
    {
        var metrics = new LoopMetrics(loop, meterFactory);
        loop.Observer = metrics;
        return metrics;
    }

    /// <summary>The meter the instruments belong to.</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public Meter Meter { get; }

    /// <inheritdoc/>
    public override void IterationStarted(EventLoop loop, int ready, int timers) => _iterations.Add(1);

    /// <inheritdoc/>
    public override void CallbackStarting(EventLoop loop, CallbackInfo callback) => _callbackStarted = Stopwatch.GetTimestamp();

    /// <inheritdoc/>
    public override void CallbackFinished(EventLoop loop, CallbackInfo callback)
    {
        _callbacks.Add(1);
        if (_callbackStarted != 0)
            _callbackDuration.Record(Stopwatch.GetElapsedTime(_callbackStarted).TotalSeconds);
        _callbackStarted = 0;
    }

    /// <inheritdoc/>
    public override void TaskCreated(LoopTask task) => _activeTasks.Add(1);

    /// <inheritdoc/>
    public override void TaskFinished(LoopTask task) => _activeTasks.Add(-1);

    /// <inheritdoc/>
    public override void TimerFired(TimerHandle timer) => _lag.Record(Math.Max(0, _loop.Time() - timer.When));

    /// <summary>Removes the meter and its instruments.</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public void Dispose() => Meter.Dispose();
}
