using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Nito.AsyncEx;

namespace Asyncio.Benchmarks;

/// <summary>
/// W3 spawn: 100,000 tasks each awaiting <c>Sleep(0)</c> once, gathered (asyncio's
/// <c>await gather(*(child() for _ in range(N)))</c>), beside the floor (100,000 async methods
/// each awaiting <c>Task.Yield()</c> once on <see cref="MinimalContext"/>, then
/// <c>Task.WhenAll</c>), Nito.AsyncEx's <see cref="AsyncContext"/> doing the same, and the thread
/// pool (<c>Task.Run</c> + <c>Task.WhenAll</c>). The loop runs it twice: children written as
/// <c>async Task</c> lambdas, and as <c>async Coroutine</c> methods. Times and bytes are per task.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SpawnBenchmarks
{
    private const int N = 100_000;
    private static readonly EventLoopOptions Virtual = new() { VirtualTime = true };

    private EventLoop _loop = null!;
    private EventLoop _eagerLoop = null!;
    private Func<Task>[] _children = null!;
    private Func<Task> _loopMain = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop(Virtual);
        _eagerLoop = new EventLoop(new EventLoopOptions { VirtualTime = true, EagerTasks = true });
        var loop = _loop;
        Func<Task> child = async () => await loop.Sleep(0);
        _children = new Func<Task>[N];
        Array.Fill(_children, child);
        _loopMain = async () => await loop.Gather(_children);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _loop.Close();
        _eagerLoop.Close();
    }

    private static async Task YieldOnce() => await Task.Yield();

    private static async Task SpawnAndWhenAll()
    {
        var tasks = new Task[N];
        for (int i = 0; i < N; i++)
            tasks[i] = YieldOnce();
        await Task.WhenAll(tasks);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("W3 spawn")]
    public void Floor_MinimalContext() => MinimalContext.Run(SpawnAndWhenAll);

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W3 spawn")]
    public void Nito_AsyncContext() => AsyncContext.Run(SpawnAndWhenAll);

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W3 spawn")]
    public void ThreadPool_TaskRun() => Task.Run(SpawnAndWhenAll).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W3 spawn")]
    public void Loop_Gather() => _loop.RunUntilComplete(_loopMain);

    // The same on coroutines (async Coroutine methods): Python's
    // gather(*(child() for _ in range(N))) written as it reads there.
    private static async Coroutine SleepOnce(EventLoop loop) => await loop.Sleep(0);

    private static async Coroutine GatherCoroutines(EventLoop loop)
    {
        var children = new Coroutine[N];
        for (int i = 0; i < N; i++)
            children[i] = SleepOnce(loop);
        await loop.Gather(children);
    }

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W3 spawn")]
    public void Loop_GatherCoroutines() => _loop.RunUntilComplete(GatherCoroutines(_loop));

    // The same with eager tasks (3.12's eager_task_factory): each child's first step runs inside
    // gather's CreateTask, up to its Sleep(0), instead of in a queued step of its own.
    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W3 spawn")]
    public void Loop_GatherCoroutines_Eager() => _eagerLoop.RunUntilComplete(GatherCoroutines(_eagerLoop));
}
