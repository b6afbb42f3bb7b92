using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Nito.AsyncEx;

namespace Asyncio.Benchmarks;

/// <summary>
/// W5 awaits, 1,000,000 each: a finished Future awaited in a task (never suspends), beside
/// awaiting a completed <see cref="ValueTask{TResult}"/>; and <c>Sleep(0)</c> (one loop turn each),
/// beside <c>Task.Yield()</c> on <see cref="MinimalContext"/> (the floor) and on Nito.AsyncEx's
/// <see cref="AsyncContext"/>. The loop's rows run in an <c>async Task</c> lambda and, marked
/// <c>_Coroutine</c>, in an <c>async Coroutine</c> method. Times and bytes are per await.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AwaitBenchmarks
{
    private const int N = 1_000_000;
    private static readonly EventLoopOptions Virtual = new() { VirtualTime = true };

    private EventLoop _loop = null!;
    private Future<int> _finished = null!;
    private Func<Task<int>> _awaitFinished = null!;
    private Func<Task> _sleepZero = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop(Virtual);
        var loop = _loop;
        _finished = loop.CreateFuture<int>();
        _finished.SetResult(1);
        var finished = _finished;
        _awaitFinished = async () =>
        {
            int sum = 0;
            for (int i = 0; i < N; i++)
                sum += await finished;
            return sum;
        };
        _sleepZero = async () =>
        {
            for (int i = 0; i < N; i++)
                await loop.Sleep(0);
        };
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Close();

    // ---- a finished awaitable ----------------------------------------------------------------

    private static async Task<int> AwaitCompletedValueTask()
    {
        var completed = new ValueTask<int>(1);
        int sum = 0;
        for (int i = 0; i < N; i++)
            sum += await completed;
        return sum;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("W5 await finished")]
    public int Floor_CompletedValueTask() => AwaitCompletedValueTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W5 await finished")]
    public int Loop_FinishedFuture() => _loop.RunUntilComplete(_awaitFinished);

    private static async Coroutine<int> AwaitFinishedMany(Future<int> finished)
    {
        int sum = 0;
        for (int i = 0; i < N; i++)
            sum += await finished;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W5 await finished")]
    public int Loop_FinishedFuture_Coroutine() => _loop.RunUntilComplete(AwaitFinishedMany(_finished));

    // ---- one loop turn -----------------------------------------------------------------------

    private static async Task YieldMany()
    {
        for (int i = 0; i < N; i++)
            await Task.Yield();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("W5 Sleep(0)")]
    public void Floor_MinimalContext_Yield() => MinimalContext.Run(YieldMany);

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W5 Sleep(0)")]
    public void Nito_AsyncContext_Yield() => AsyncContext.Run(YieldMany);

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W5 Sleep(0)")]
    public void Loop_SleepZero() => _loop.RunUntilComplete(_sleepZero);

    private static async Coroutine SleepZeroMany(EventLoop loop)
    {
        for (int i = 0; i < N; i++)
            await loop.Sleep(0);
    }

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W5 Sleep(0)")]
    public void Loop_SleepZero_Coroutine() => _loop.RunUntilComplete(SleepZeroMany(_loop));
}
