using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Asyncio.Benchmarks;

/// <summary>
/// W1: a chain of 1,000,000 <c>CallSoon</c> callbacks (each schedules the next, so each runs in
/// its own loop iteration) and 1,000,000 queued up front (one iteration runs them all), each
/// beside the floor, a bare ring buffer of delegates, and beside the floor plus a 32-byte
/// handle allocated per callback (<see cref="HandleRing"/>): <c>call_soon</c> returns a Handle,
/// so that allocation is part of any faithful loop's cost. Times are per callback.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CallSoonBenchmarks
{
    private const int N = 1_000_000;
    private static readonly EventLoopOptions Virtual = new() { VirtualTime = true };

    private int _remaining;
    private EventLoop _loop = null!;
    private DelegateRing _ring = null!;
    private HandleRing _handleRing = null!;
    private Action _loopStep = null!;
    private Action _ringStep = null!;
    private Action _handleRingStep = null!;
    private Action _noop = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loopStep = () =>
        {
            if (--_remaining > 0)
                _loop.CallSoon(_loopStep);
            else
                _loop.Stop();
        };
        _ringStep = () =>
        {
            if (--_remaining > 0)
                _ring.Enqueue(_ringStep);
        };
        _handleRingStep = () =>
        {
            if (--_remaining > 0)
                _handleRing.Enqueue(_handleRingStep);
        };
        _noop = () => _remaining--;
    }

    [IterationSetup]
    public void NewQueues()
    {
        _loop?.Close();
        _loop = new EventLoop(Virtual);
        _ring = new DelegateRing();
        _handleRing = new HandleRing();
        _remaining = N;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("W1 chain")]
    public void Floor_Chain()
    {
        _ring.Enqueue(_ringStep);
        _ring.RunAll();
    }

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W1 chain")]
    public void FloorWithHandle_Chain()
    {
        _handleRing.Enqueue(_handleRingStep);
        _handleRing.RunAll();
    }

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W1 chain")]
    public void Loop_Chain()
    {
        _loop.CallSoon(_loopStep);
        _loop.RunForever();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("W1 queued")]
    public void Floor_Queued()
    {
        for (int i = 0; i < N; i++)
            _ring.Enqueue(_noop);
        _ring.RunAll();
    }

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W1 queued")]
    public void FloorWithHandle_Queued()
    {
        for (int i = 0; i < N; i++)
            _handleRing.Enqueue(_noop);
        _handleRing.RunAll();
    }

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W1 queued")]
    public void Loop_Queued()
    {
        for (int i = 0; i < N; i++)
            _loop.CallSoon(_noop);
        _loop.CallSoon(_loop.Stop);
        _loop.RunForever();
    }
}
