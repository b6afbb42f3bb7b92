using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Asyncio.Benchmarks;

/// <summary>
/// W2 timers: 200,000 <c>CallLater</c> with delays from a fixed-seed generator in [0, 50 ms],
/// run until all have fired, on a virtual-time loop (the clock jumps, so the row is the CPU per
/// timer) and on a real-time loop (wall time: the last timer is due 50 ms after the first was
/// scheduled, so this row cannot go below 250 ns per timer; the cross-runtime runner reports its
/// CPU time instead); and 200,000 scheduled then cancelled, then one iteration (which drops
/// what is left of them). The floor is a <see cref="PriorityQueue{TElement, TPriority}"/> keyed
/// by (deadline, sequence), drained in order; for cancellation, entries with a cancelled flag.
/// Times are per timer.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TimerBenchmarks
{
    private const int N = 200_000;
    private const double MaxDelay = 0.050;
    private static readonly EventLoopOptions Virtual = new() { VirtualTime = true };
    private static readonly EventLoopOptions RealTime = new() { VirtualTime = false };

    private double[] _delays = null!;
    private int _remaining;
    private EventLoop _virtualLoop = null!;
    private EventLoop _realLoop = null!;
    private Action _fireVirtual = null!;
    private Action _fireReal = null!;
    private Action _fireFloor = null!;
    private readonly PriorityQueue<Action, (double, long)> _floorQueue = new();
    private readonly PriorityQueue<FloorTimer, (double, long)> _floorCancelQueue = new();
    private readonly TimerHandle[] _handles = new TimerHandle[N];
    private readonly FloorTimer[] _floorTimers = new FloorTimer[N];
    private static readonly Action s_noop = static () => { };

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _delays = new double[N];
        for (int i = 0; i < N; i++)
            _delays[i] = random.NextDouble() * MaxDelay;
        _virtualLoop = new EventLoop(Virtual);
        _realLoop = new EventLoop(RealTime);
        _fireVirtual = () =>
        {
            if (--_remaining == 0)
                _virtualLoop.Stop();
        };
        _fireReal = () =>
        {
            if (--_remaining == 0)
                _realLoop.Stop();
        };
        _fireFloor = () => _remaining--;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _virtualLoop.Close();
        _realLoop.Close();
    }

    // ---- schedule + fire ---------------------------------------------------------------------

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("W2 schedule+fire")]
    public int Floor_PriorityQueue_Fire()
    {
        // The same work as the loop minus the loop: deadline = now + delay, a sequence number
        // for ties, then pop everything in order and run it.
        var queue = _floorQueue;
        double now = 0;
        _remaining = N;
        for (int i = 0; i < N; i++)
            queue.Enqueue(_fireFloor, (now + _delays[i], i));
        while (queue.TryDequeue(out var action, out _))
            action();
        return _remaining;
    }

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W2 schedule+fire")]
    public void Loop_VirtualTime_Fire()
    {
        var loop = _virtualLoop;
        _remaining = N;
        for (int i = 0; i < N; i++)
            loop.CallLater(_delays[i], _fireVirtual);
        loop.RunForever();
    }

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W2 schedule+fire")]
    public void Loop_RealTime_Fire()
    {
        var loop = _realLoop;
        _remaining = N;
        for (int i = 0; i < N; i++)
            loop.CallLater(_delays[i], _fireReal);
        loop.RunForever();
    }

    // ---- schedule + cancel -------------------------------------------------------------------

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("W2 schedule+cancel")]
    public int Floor_PriorityQueue_Cancel()
    {
        // Enqueue entries that carry a cancelled flag, set every flag, then empty the queue
        // skipping them, as a loop's heap eventually must.
        var queue = _floorCancelQueue;
        var timers = _floorTimers;
        for (int i = 0; i < N; i++)
        {
            var timer = new FloorTimer(s_noop);
            timers[i] = timer;
            queue.Enqueue(timer, (_delays[i], i));
        }
        for (int i = 0; i < N; i++)
            timers[i].Cancelled = true;
        int ran = 0;
        while (queue.TryDequeue(out var timer, out _))
        {
            if (!timer.Cancelled)
            {
                timer.Callback();
                ran++;
            }
        }
        Array.Clear(timers);
        return ran;
    }

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W2 schedule+cancel")]
    public void Loop_Cancel()
    {
        var loop = _virtualLoop;
        var handles = _handles;
        for (int i = 0; i < N; i++)
            handles[i] = loop.CallLater(_delays[i], s_noop);
        for (int i = 0; i < N; i++)
            handles[i].Cancel();
        // One iteration: the loop drops the cancelled timers left at the head of its heap.
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Array.Clear(handles);
    }

    private sealed class FloorTimer(Action callback)
    {
        public readonly Action Callback = callback;
        public bool Cancelled;
    }
}
