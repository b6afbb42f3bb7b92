using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Nito.AsyncEx;

namespace Asyncio.Benchmarks;

/// <summary>
/// W4 ping-pong, two tasks, 200,000 round trips, in its two forms. Through futures: each side
/// creates a Future for the next message it expects, then completes the other side's; the floor
/// is the same with <see cref="TaskCompletionSource{TResult}"/> and <c>RunContinuationsAsynchronously</c>
/// on <see cref="MinimalContext"/>. Through queues of one slot (<c>AsyncQueue(1)</c>, as the
/// cross-runtime runner and asyncio's <c>Queue(1)</c>): each round trip is two puts that do not
/// wait and two gets that do; the floor is <see cref="MinimalBoundedQueue{T}"/> on
/// <see cref="MinimalContext"/>, and the peers are <see cref="Channel.CreateBounded{T}(int)"/> and
/// Nito.AsyncEx's <see cref="AsyncContext"/>. Times and bytes are per round trip.
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

    // The same two tasks as async Coroutine methods.
    private static async Coroutine FuturesPingPong(EventLoop loop)
    {
        Future<int> inboxA = null!;
        var inboxB = loop.CreateFuture<int>();
        async Coroutine B()
        {
            for (int i = 0; i < N; i++)
            {
                int value = await inboxB;
                inboxB = loop.CreateFuture<int>();
                inboxA.SetResult(value);
            }
        }
        var b = loop.CreateTask(B());
        for (int i = 0; i < N; i++)
        {
            inboxA = loop.CreateFuture<int>();
            inboxB.SetResult(i);
            await inboxA;
        }
        await b;
    }

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W4 futures ping-pong")]
    public void Loop_Futures_Coroutines() => _loop.RunUntilComplete(FuturesPingPong(_loop));

    // ---- W4 through queues of one slot --------------------------------------------------------

    private static async Task FloorQueuePingPong()
    {
        var there = new MinimalBoundedQueue<int>(1);
        var back = new MinimalBoundedQueue<int>(1);
        async Task B()
        {
            for (int i = 0; i < N; i++)
                await back.PutAsync(await there.GetAsync());
        }
        var b = B();
        for (int i = 0; i < N; i++)
        {
            await there.PutAsync(i);
            await back.GetAsync();
        }
        await b;
    }

    private static async Task ChannelPingPong()
    {
        var there = Channel.CreateBounded<int>(1);
        var back = Channel.CreateBounded<int>(1);
        async Task B()
        {
            for (int i = 0; i < N; i++)
                await back.Writer.WriteAsync(await there.Reader.ReadAsync());
        }
        var b = B();
        for (int i = 0; i < N; i++)
        {
            await there.Writer.WriteAsync(i);
            await back.Reader.ReadAsync();
        }
        await b;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("W4 queue ping-pong")]
    public void Floor_MinimalContext_MinimalQueue() => MinimalContext.Run(FloorQueuePingPong);

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W4 queue ping-pong")]
    public void MinimalContext_BoundedChannel() => MinimalContext.Run(ChannelPingPong);

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W4 queue ping-pong")]
    public void Nito_AsyncContext_MinimalQueue() => AsyncContext.Run(FloorQueuePingPong);

    // benchmarks/cross-runtime/csharp/Program.cs's QueuePingPong, on the benchmark's loop.
    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("W4 queue ping-pong")]
    public void Loop_AsyncQueue()
    {
        var loop = _loop;
        loop.RunUntilComplete(async () =>
        {
            var there = new AsyncQueue<int>(1);
            var back = new AsyncQueue<int>(1);
            var pong = loop.CreateTask(async () =>
            {
                for (int i = 0; i < N; i++)
                    await back.PutAsync(await there.GetAsync());
            });
            for (int i = 0; i < N; i++)
            {
                await there.PutAsync(i);
                await back.GetAsync();
            }
            await pong;
        });
    }
}
