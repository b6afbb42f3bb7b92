namespace Asyncio.Tests.Reliability;

/// <summary>Memory tests measure the whole process: they run alone, not beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResourceBoundsCollection
{
    public const string Name = "Reliability resource bounds";
}

/// <summary>
/// Resource bounds: mass timer cancellation keeps the heap small, completed tasks are not kept
/// alive by the loop, and a long mixed workload runs in flat memory. All on virtual time.
/// </summary>
[Collection(ResourceBoundsCollection.Name)]
public class ResourceBoundTests : LoopTest
{
    private const long MiB = 1024 * 1024;

    /// <summary>The managed heap after full collections and finalizers: what is really held (also used by <see cref="Boundary.MemoryReturnTests"/>).</summary>
    internal static long SettledMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [Fact]
    public void TenMillionTimers_ScheduledAndCancelled_KeepTheHeapBounded()
    {
        const int total = 10_000_000;
        var loop = NewLoop();
        int fired = 0;
        Action callback = () => fired++;
        long before = SettledMemory();
        int maxHeap = 0;
        for (int i = 0; i < total; i++)
        {
            // Distinct deadlines, so the cancelled timers are spread through the heap, not just at its head.
            var timer = loop.CallLater(1 + (i % 997), callback);
            timer.Cancel();
            if ((i & 0xFFFF) == 0)
                maxHeap = Math.Max(maxHeap, loop.TimerCount);
        }
        maxHeap = Math.Max(maxHeap, loop.TimerCount);
        long after = SettledMemory();

        // asyncio's rule: compact once more than half of at least 100 timers are cancelled.
        Assert.True(loop.TimerCount <= 200, $"timers in the heap at the end: {loop.TimerCount}");
        Assert.True(maxHeap <= 200, $"largest heap seen: {maxHeap}");
        Assert.True(after - before < 4 * MiB, $"memory grew by {(after - before) / MiB} MiB");

        // And the loop still works: a live timer among them fires, and none of the cancelled does.
        loop.CallLater(0.5, loop.Stop);
        loop.RunForever();
        Assert.Equal(0, fired);
        Assert.Equal(0.5, loop.Time());
    }

    [Fact]
    public void TimersCancelledWhileTheLoopRuns_AreDropped_LiveOnesStillFireInOrder()
    {
        var loop = NewLoop();
        var fired = new List<int>();
        const int rounds = 2_000;
        for (int round = 0; round < rounds; round++)
        {
            int r = round;
            loop.CallSoon(() =>
            {
                // 500 timers per round; all but one are cancelled in the same callback.
                TimerHandle? keep = null;
                for (int i = 0; i < 500; i++)
                {
                    var t = loop.CallLater(1000 - i, () => fired.Add(r));
                    if (i == 250)
                        keep = t;
                    else
                        t.Cancel();
                }
                Assert.NotNull(keep);
            });
            if (round % 100 == 99)
                RunOnce(loop);
        }
        RunOnce(loop);
        // At most as many cancelled timers as live ones (plus asyncio's minimum of 100) stay in the heap.
        Assert.True(loop.TimerCount <= 2 * rounds + 100, $"timers in the heap: {loop.TimerCount}");
        loop.CallLater(2000, loop.Stop);
        loop.RunForever();
        Assert.Equal(Enumerable.Range(0, rounds), fired);
        Assert.Equal(0, loop.TimerCount);
    }

    [Fact]
    public void OneMillionCompletedTasks_LeaveNothingReachableFromTheLoop()
    {
        const int total = 1_000_000;
        const int batch = 10_000;
        var loop = NewLoop();
        var samples = new List<WeakReference>();
        long completed = 0;
        for (int b = 0; b < total / batch; b++)
            RunBatch(loop, batch, b, samples, ref completed);

        Assert.Equal(total, completed);
        Assert.Empty(loop.AllTasks());
        Assert.Equal(0, loop.ReadyCount);
        Assert.Equal(0, loop.TimerCount);
        SettledMemory();
        int alive = samples.Count(w => w.IsAlive);
        Assert.True(alive == 0, $"{alive} of {samples.Count} sampled tasks are still reachable");
        GC.KeepAlive(loop);
    }

    // A separate method, so that no local of the test keeps the last batch alive.
    private static void RunBatch(EventLoop loop, int count, int batchNumber, List<WeakReference> samples, ref long completed)
    {
        var tasks = new LoopTask<int>[count];
        for (int i = 0; i < count; i++)
        {
            int n = i;
            tasks[i] = loop.CreateTask(async () =>
            {
                if ((n & 1) == 0)
                    await loop.Sleep(0);
                else
                    await loop.Sleep(0.001 * (n % 5));
                return n;
            });
        }
        var all = loop.Gather(tasks);
        loop.RunUntilComplete(all);
        completed += all.Result().Length;
        for (int i = 0; i < count; i += 1000)
            samples.Add(new WeakReference(tasks[i]));
        _ = batchNumber;
    }

    // ---- soak ------------------------------------------------------------------------------

    /// <summary>Virtual hours of the soak: 1 in CI (about 4 s), or <c>EVENTLOOP_SOAK_HOURS</c>.</summary>
    public static double SoakHours =>
        double.TryParse(Environment.GetEnvironmentVariable("EVENTLOOP_SOAK_HOURS"), System.Globalization.CultureInfo.InvariantCulture, out double h) && h > 0 ? h : 1;

    [Fact]
    public void Soak_MixedWorkloadForVirtualHours_RunsInFlatMemory()
    {
        var loop = NewLoop();
        var stats = new Soak(loop);
        var checkpoints = new List<long>();
        double hours = SoakHours;
        // A checkpoint every virtual quarter of an hour.
        for (int quarter = 1; quarter <= Math.Ceiling(hours * 4); quarter++)
        {
            loop.RunUntilComplete(stats.RunUntil(Math.Min(quarter / 4.0, hours) * 3600));
            checkpoints.Add(SettledMemory());
        }
        stats.Shutdown();
        loop.RunUntilComplete(async () => await loop.Sleep(60));

        Assert.True(stats.Messages > 50_000 * hours, $"messages: {stats.Messages}");
        Assert.True(stats.Timeouts > 100, $"timeouts: {stats.Timeouts}");
        Assert.True(stats.Cancellations > 100, $"cancellations: {stats.Cancellations}");
        var reports = TakeReports();
        Assert.Equal(stats.Failures, reports.Count);
        Assert.All(reports, r => Assert.Equal("soak", r.Exception!.Message));
        Assert.Empty(loop.AllTasks());
        // Flat: no checkpoint after the first is more than 4 MiB above it.
        long first = checkpoints[0];
        Assert.All(checkpoints, c => Assert.True(c - first < 4 * MiB,
            $"memory at checkpoints (MiB): {string.Join(", ", checkpoints.Select(x => x / MiB))}"));
        Assert.True(loop.TimerCount < 1000, $"timers left: {loop.TimerCount}");
    }

    /// <summary>Producers, consumers, timeouts, cancellations, a lock and throwing callbacks, forever.</summary>
    private sealed class Soak(EventLoop loop)
    {
        private readonly AsyncQueue<int> _queue = new(64);
        private readonly AsyncLock _lock = new();
        private readonly Random _random = new(8);
        private bool _stopping;
        private bool _started;
        private readonly List<LoopTask> _workers = [];

        public long Messages, Timeouts, Cancellations, Failures;

        public Func<Task> RunUntil(double when) => async () =>
        {
            if (!_started)
            {
                _started = true;
                for (int i = 0; i < 4; i++)
                    _workers.Add(loop.CreateTask(ProducerAsync));
                for (int i = 0; i < 3; i++)
                    _workers.Add(loop.CreateTask(ConsumerAsync));
                _workers.Add(loop.CreateTask(ChaosAsync));
            }
            await loop.Sleep(when - loop.Time());
        };

        public void Shutdown()
        {
            _stopping = true;
            foreach (var worker in _workers)
                worker.Cancel();
        }

        private async Task ProducerAsync()
        {
            int n = 0;
            while (!_stopping)
            {
                await loop.Sleep(_random.Next(1, 20) / 100.0);
                try
                {
                    await loop.WaitFor(async () => { await _queue.PutAsync(n++); return 0; }, 0.05);
                }
                catch (TimeoutException)
                {
                    Timeouts++;
                }
            }
        }

        private async Task ConsumerAsync()
        {
            while (!_stopping)
            {
                int item = await _queue.GetAsync();
                using (await _lock.LockAsync())
                {
                    Messages++;
                    if (item % 7 == 0)
                        await loop.Sleep(0);
                }
                _queue.TaskDone();
            }
        }

        private async Task ChaosAsync()
        {
            while (!_stopping)
            {
                await loop.Sleep(1);
                // A short-lived task cancelled half-way, a timer cancelled, a callback that throws, a gather.
                var victim = loop.CreateTask(async () => await loop.Sleep(10));
                var timer = loop.CallLater(5, () => { });
                await loop.Sleep(0.5);
                victim.Cancel();
                timer.Cancel();
                Cancellations++;
                if (_random.Next(10) == 0)
                {
                    Failures++;
                    loop.CallSoon(() => throw new InvalidOperationException("soak"));
                }
                await loop.Gather(
                    loop.CreateTask(async () => { await loop.Sleep(0.1); return 1; }),
                    loop.CreateTask(async () => { await loop.Sleep(0.2); return 2; }));
                try
                {
                    await loop.WaitFor(loop.CreateFuture<int>(), 0.01);
                }
                catch (TimeoutException)
                {
                    Timeouts++;
                }
                try
                {
                    await victim;
                }
                catch (CancelledError)
                {
                }
            }
        }
    }
}
