using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Asyncio.Benchmarks;

/// <summary>
/// Queue ping-pong: two tasks bounce an item through two queues, 200,000 round trips (each a
/// put that does not wait and a get that does), beside the floor, a bare ring buffer of
/// delegates making the same two hops per round trip. And a put/get that does not wait, beside
/// the BCL's <see cref="Queue{T}"/>: it must not allocate. Times are per round trip / per pair.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class QueueBenchmarks
{
    private const int N = 200_000;
    private const int Pairs = 1_000_000;
    private static readonly EventLoopOptions Virtual = new() { VirtualTime = true };

    private EventLoop _loop = null!;
    private DelegateRing _ring = null!;
    private int _remaining;
    private Action _ping = null!;
    private Action _pong = null!;
    private readonly Queue<int> _bclQueue = new();
    private readonly AsyncQueue<int> _queue = new();

    [GlobalSetup]
    public void Setup()
    {
        _ping = () => _ring.Enqueue(_pong);
        _pong = () =>
        {
            if (--_remaining > 0)
                _ring.Enqueue(_ping);
        };
    }

    [IterationSetup]
    public void NewLoop()
    {
        _loop?.Close();
        _loop = new EventLoop(Virtual);
        _ring = new DelegateRing();
        _remaining = N;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("Queue ping-pong")]
    public void Floor_PingPong()
    {
        _ring.Enqueue(_ping);
        _ring.RunAll();
    }

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("Queue ping-pong")]
    public void Loop_QueuePingPong()
    {
        var loop = _loop;
        var there = new AsyncQueue<int>();
        var back = new AsyncQueue<int>();
        loop.RunUntilComplete(async () =>
        {
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

    [Benchmark(Baseline = true, OperationsPerInvoke = Pairs), BenchmarkCategory("Queue put/get, no wait")]
    public int Floor_BclQueue()
    {
        int sum = 0;
        for (int i = 0; i < Pairs; i++)
        {
            _bclQueue.Enqueue(i);
            sum += _bclQueue.Dequeue();
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Pairs), BenchmarkCategory("Queue put/get, no wait")]
    public int AsyncQueue_PutNowaitGetNowait()
    {
        int sum = 0;
        for (int i = 0; i < Pairs; i++)
        {
            _queue.PutNowait(i);
            sum += _queue.GetNowait();
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Pairs), BenchmarkCategory("Queue put/get, no wait")]
    public int AsyncQueue_PutAsyncGetAsync()
    {
        int sum = 0;
        for (int i = 0; i < Pairs; i++)
        {
            // Neither waits, so both complete synchronously: no state machine, no Future.
            _queue.PutAsync(i).GetAwaiter().GetResult();
            sum += _queue.GetAsync().GetAwaiter().GetResult();
        }
        return sum;
    }
}
