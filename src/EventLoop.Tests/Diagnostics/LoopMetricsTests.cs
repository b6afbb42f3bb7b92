using System.Diagnostics.Metrics;

namespace Asyncio.Tests.Diagnostics;

public class LoopMetricsTests : LoopTest
{
    /// <summary>Collects what the <c>EventLoop</c> meter of one <see cref="LoopMetrics"/> publishes.</summary>
    private sealed class Collector : IDisposable
    {
        private readonly MeterListener _listener = new();

        public Dictionary<string, long> Sums { get; } = [];
        public Dictionary<string, List<double>> Values { get; } = [];

        public Collector(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
                Sums[instrument.Name] = Sums.GetValueOrDefault(instrument.Name) + value);
            _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Add(instrument.Name, value));
            _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Add(instrument.Name, value));
            _listener.Start();
        }

        private void Add(string name, double value)
        {
            if (!Values.TryGetValue(name, out var list))
                Values[name] = list = [];
            list.Add(value);
        }

        public void ReadGauges() => _listener.RecordObservableInstruments();

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public void Meter_IsNamedEventLoop_WithEveryInstrument()
    {
        var loop = NewLoop();
        using var metrics = new LoopMetrics(loop);

        Assert.Equal("EventLoop", metrics.Meter.Name);
        var names = new List<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter, metrics.Meter))
                    names.Add(instrument.Name + ":" + instrument.GetType().Name.Split('`')[0] + ":" + instrument.Unit);
            },
        };
        listener.Start();

        Assert.Equal(
        [
            "eventloop.callback.duration:Histogram:s",
            "eventloop.callbacks:Counter:{callback}",
            "eventloop.iterations:Counter:{iteration}",
            "eventloop.lag:Histogram:s",
            "eventloop.ready_queue.length:ObservableGauge:{callback}",
            "eventloop.tasks.active:UpDownCounter:{task}",
            "eventloop.timers:ObservableGauge:{timer}",
        ], names.Order());
    }

    [Fact]
    public void Counters_CountIterationsCallbacksAndTasks()
    {
        var loop = NewLoop();
        using var metrics = LoopMetrics.Attach(loop);
        using var collector = new Collector(metrics.Meter);

        loop.RunUntilComplete(async () =>
        {
            var a = loop.CreateTask(async () => await loop.Sleep(1));
            var b = loop.CreateTask(async () => await loop.Sleep(2));
            await loop.Gather([a, b]);
        });

        // Iterations: main; a and b start; t=1 timer; a ends; gather sees a; t=2 timer; b ends;
        // gather sees b; main ends; StopOnDone. That is 10, running 11 callbacks (a and b start together).
        Assert.Equal(11, collector.Sums["eventloop.callbacks"]);
        Assert.Equal(10, collector.Sums["eventloop.iterations"]);
        Assert.Equal(0, collector.Sums["eventloop.tasks.active"]); // 3 created, 3 finished
        Assert.Equal(11, collector.Values["eventloop.callback.duration"].Count);
        Assert.All(collector.Values["eventloop.callback.duration"], seconds => Assert.InRange(seconds, 0, 10));
    }

    [Fact]
    public void ActiveTasks_GoesUpAndDown()
    {
        var loop = NewLoop();
        using var metrics = LoopMetrics.Attach(loop);
        using var collector = new Collector(metrics.Meter);
        long during = -1;

        loop.RunUntilComplete(async () =>
        {
            var sleeper = loop.CreateTask(async () => await loop.Sleep(1));
            await loop.Sleep(0.5);
            during = collector.Sums["eventloop.tasks.active"];
            await sleeper;
        });

        Assert.Equal(2, during);
        Assert.Equal(0, collector.Sums["eventloop.tasks.active"]);
    }

    [Fact]
    public void Lag_IsHowLateTimersFired()
    {
        var loop = NewLoop();
        using var metrics = LoopMetrics.Attach(loop);
        using var collector = new Collector(metrics.Meter);

        loop.RunUntilComplete(async () =>
        {
            loop.CallLater(0.25, () => { });
            loop.CallLater(0.5, () => { });
            loop.AdvanceTime(1.0); // both now overdue: 0.75 s and 0.5 s late
            await loop.Sleep(0); // Sleep(0) arms no timer
        });

        Assert.Equal([0.75, 0.5], collector.Values["eventloop.lag"]);
    }

    [Fact]
    public void Gauges_ReadReadyQueueAndTimers()
    {
        var loop = NewLoop();
        using var metrics = new LoopMetrics(loop);
        using var collector = new Collector(metrics.Meter);
        loop.CallSoon(() => { });
        loop.CallSoon(() => { });
        loop.CallLater(5, () => { });

        collector.ReadGauges();

        Assert.Equal([2.0], collector.Values["eventloop.ready_queue.length"]);
        Assert.Equal([1.0], collector.Values["eventloop.timers"]);
    }

    [Fact]
    public void Dispose_EndsTheInstruments()
    {
        var loop = NewLoop();
        var metrics = LoopMetrics.Attach(loop);
        var collector = new Collector(metrics.Meter);
        metrics.Dispose();
        loop.RunUntilComplete(async () => await loop.Sleep(0));
        Assert.Empty(collector.Sums);
        collector.Dispose();
    }
}
