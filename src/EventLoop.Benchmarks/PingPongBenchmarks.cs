using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Nito.AsyncEx;

namespace Asyncio.Benchmarks;

/// <summary>
/// W4 ping-pong through futures: two tasks, 200,000 round trips; each side creates a Future for
/// the next message it expects, then completes the other side's. Beside the floor (the same with
/// <see cref="TaskCompletionSource{TResult}"/> and <c>RunContinuationsAsynchronously</c> on
/// <see cref="MinimalContext"/>) and Nito.AsyncEx's <see cref="AsyncContext"/>. Times and bytes
/// are per round trip. (Ping-pong through <c>AsyncQueue</c> is in <see cref="QueueBenchmarks"/>.)
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PingPongBenchmarks
{
    private const int N = 200_000;
    private static readonly EventLoopOptions Virtual = new() { VirtualTime = true };

    private EventLoop _loop = null!;
    private Func<Task> _loopMain = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop(Virtual);
        var loop = _loop;
        _loopMain = async () =>
        {
            Future<int> inboxA = null!;
            var inboxB = loop.CreateFuture<int>();
            var b = loop.CreateTask(async () =>
            {
                for (int i = 0; i < N; i++)
                {
                    int value = await inboxB;
                    inboxB = loop.CreateFuture<int>();
                    inboxA.SetResult(value);
                }
            });
            for (int i = 0; i < N; i++)
            {
                inboxA = loop.CreateFuture<int>();
                inboxB.SetResult(i);
                await inboxA;
            }
            await b;
        };
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Close();

    private static async Task TcsPingPong()
    {
        const TaskCreationOptions Async = TaskCreationOptions.RunContinuationsAsynchronously;
        TaskCompletionSource<int> inboxA = null!;
        var inboxB = new TaskCompletionSource<int>(Async);
        async Task B()
        {
            for (int i = 0; i < N; i++)
            {
                int value = await inboxB.Task;
                inboxB = new TaskCompletionSource<int>(Async);
                inboxA.SetResult(value);
            }
        }
        var b = B();
        for (int i = 0; i < N; i++)
        {
            inboxA = new TaskCompletionSource<int>(Async);
            inboxB.SetResult(i);
            await inboxA.Task;
        }
        await b;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("W4 futures ping-pong")]
    public void Floor_MinimalContext_Tcs() => MinimalContext.Run(TcsPingPong);

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W4 futures ping-pong")]
    public void Nito_AsyncContext_Tcs() => AsyncContext.Run(TcsPingPong);

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W4 futures ping-pong")]
    public void Loop_Futures() => _loop.RunUntilComplete(_loopMain);
}
