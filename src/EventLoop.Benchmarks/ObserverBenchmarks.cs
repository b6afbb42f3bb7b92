using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Asyncio.Benchmarks;

/// <summary>
/// The price of the <see cref="LoopObserver"/> hooks: the W1 chain (1,000,000 <c>CallSoon</c>
/// callbacks, each scheduling the next, so one per iteration) with no observer attached, and
/// with an observer that overrides every hook and does nothing, beside the floor (a bare ring
/// buffer of delegates). Times are per callback. With no observer the hooks are one load and a
/// null check per event: "no observer" should match <see cref="CallSoonBenchmarks.Loop_Chain"/>.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ObserverBenchmarks
{
    private const int N = 1_000_000;
    private static readonly EventLoopOptions Virtual = new() { VirtualTime = true };

    private int _remaining;
    private EventLoop _loop = null!;
    private EventLoop _observedLoop = null!;
    private DelegateRing _ring = null!;
    private Action _loopStep = null!;
    private Action _observedStep = null!;
    private Action _ringStep = null!;

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
        _observedStep = () =>
        {
            if (--_remaining > 0)
                _observedLoop.CallSoon(_observedStep);
            else
                _observedLoop.Stop();
        };
        _ringStep = () =>
        {
            if (--_remaining > 0)
                _ring.Enqueue(_ringStep);
        };
    }

    [IterationSetup]
    public void NewQueues()
    {
        _loop?.Close();
        _observedLoop?.Close();
        _loop = new EventLoop(Virtual);
        _observedLoop = new EventLoop(Virtual) { Observer = new NoOpObserver() };
        _ring = new DelegateRing();
        _remaining = N;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("W1 chain")]
    public void Floor_Chain()
    {
        _ring.Enqueue(_ringStep);
        _ring.RunAll();
    }

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W1 chain")]
    public void Loop_Chain_NoObserver()
    {
        _loop.CallSoon(_loopStep);
        _loop.RunForever();
    }

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W1 chain")]
    public void Loop_Chain_NoOpObserver()
    {
        _observedLoop.CallSoon(_observedStep);
        _observedLoop.RunForever();
    }

    /// <summary>Overrides every hook, so each call is a real virtual dispatch, and does nothing.</summary>
    private sealed class NoOpObserver : LoopObserver
    {
        public override void IterationStarted(EventLoop loop, int ready, int timers) { }
        public override void IterationFinished(EventLoop loop, int ran) { }
        public override void CallbackStarting(EventLoop loop, CallbackInfo callback) { }
        public override void CallbackFinished(EventLoop loop, CallbackInfo callback) { }
        public override void TaskCreated(LoopTask task) { }
        public override void TaskResumed(LoopTask task, Future? wokenBy) { }
        public override void TaskSuspended(LoopTask task, Future? waitingOn) { }
        public override void TaskFinished(LoopTask task) { }
        public override void TimerArmed(TimerHandle timer) { }
        public override void TimerFired(TimerHandle timer) { }
        public override void FutureCompleted(Future future) { }
    }
}
