using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Asyncio.Benchmarks;

/// <summary>
/// The combinators, on a real-time loop, 10,000 each: <c>Gather</c> of 10,000 tasks that return
/// at once; <c>WaitFor</c> (10 s timeout, never reached) of a coroutine that sleeps one turn, 10,000
/// times in a row; a cancellation storm: 10,000 tasks sleeping 10 s, all cancelled, gathered with
/// <c>returnExceptions</c>. Floors on <see cref="MinimalContext"/>: <c>Task.WhenAll</c> of async
/// methods that yield once; the same child awaited with no timeout (and with the BCL's
/// <c>WaitAsync(TimeSpan)</c> as a second row); children awaiting a
/// <see cref="TaskCompletionSource"/> each, all cancelled (and <c>Task.Delay</c> with a shared
/// <see cref="CancellationTokenSource"/> as a second row). Times and bytes are per task / per call.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CombinatorBenchmarks
{
    private const int N = 10_000;
    private static readonly EventLoopOptions RealTime = new() { VirtualTime = false };
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);

    private EventLoop _loop = null!;
    private Func<Task<int>>[] _returners = null!;
    private Func<Task> _gatherMain = null!;
    private Func<Task> _waitForMain = null!;
    private Func<Task> _stormMain = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop(RealTime);
        var loop = _loop;
        _returners = new Func<Task<int>>[N];
        Array.Fill(_returners, static () => Task.FromResult(1));
        _gatherMain = async () => await loop.Gather(_returners);

        Func<Task<int>> sleepOnce = async () =>
        {
            await loop.Sleep(0);
            return 1;
        };
        _waitForMain = async () =>
        {
            for (int i = 0; i < N; i++)
                await loop.WaitFor(sleepOnce, 10.0);
        };

        Func<Task> sleeper = async () => await loop.Sleep(10.0);
        _stormMain = async () =>
        {
            var tasks = new Future[N];
            for (int i = 0; i < N; i++)
                tasks[i] = loop.CreateTask(sleeper);
            await loop.Sleep(0); // every task starts and arms its timer
            for (int i = 0; i < N; i++)
                tasks[i].Cancel();
            await loop.Gather(tasks, returnExceptions: true);
        };
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Close();

    private static async Task<int> YieldThenReturn()
    {
        await Task.Yield();
        return 1;
    }

    // ---- Gather ------------------------------------------------------------------------------

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("Gather 10,000")]
    public void Floor_MinimalContext_WhenAll() => MinimalContext.Run(static async () =>
    {
        var tasks = new Task<int>[N];
        for (int i = 0; i < N; i++)
            tasks[i] = YieldThenReturn();
        await Task.WhenAll(tasks);
    });

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("Gather 10,000")]
    public void Loop_Gather() => _loop.RunUntilComplete(_gatherMain);

    // ---- WaitFor -----------------------------------------------------------------------------

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("WaitFor, no timeout")]
    public void Floor_MinimalContext_NoTimeout() => MinimalContext.Run(static async () =>
    {
        for (int i = 0; i < N; i++)
            await YieldThenReturn();
    });

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("WaitFor, no timeout")]
    public void MinimalContext_WaitAsync() => MinimalContext.Run(static async () =>
    {
        for (int i = 0; i < N; i++)
            await YieldThenReturn().WaitAsync(TenSeconds);
    });

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("WaitFor, no timeout")]
    public void Loop_WaitFor() => _loop.RunUntilComplete(_waitForMain);

    // ---- cancellation storm ------------------------------------------------------------------

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("Cancellation storm")]
    public void Floor_MinimalContext_TcsCancelled() => MinimalContext.Run(static async () =>
    {
        var sources = new TaskCompletionSource[N];
        var tasks = new Task[N];
        for (int i = 0; i < N; i++)
        {
            sources[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            tasks[i] = AwaitSource(sources[i].Task);
        }
        for (int i = 0; i < N; i++)
            sources[i].TrySetCanceled();
        await Task.WhenAll(tasks).ContinueWith(static _ => { }, TaskScheduler.FromCurrentSynchronizationContext());
    });

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("Cancellation storm")]
    public void MinimalContext_TaskDelayCancelled() => MinimalContext.Run(static async () =>
    {
        using var cts = new CancellationTokenSource();
        var tasks = new Task[N];
        for (int i = 0; i < N; i++)
            tasks[i] = AwaitSource(Task.Delay(TenSeconds, cts.Token));
        await Task.Yield();
        cts.Cancel();
        await Task.WhenAll(tasks).ContinueWith(static _ => { }, TaskScheduler.FromCurrentSynchronizationContext());
    });

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("Cancellation storm")]
    public void Loop_CancelGather() => _loop.RunUntilComplete(_stormMain);

    private static async Task AwaitSource(Task task) => await task;
}
