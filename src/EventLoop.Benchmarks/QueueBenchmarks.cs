using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Asyncio.Benchmarks;

/// <summary>
/// A put and a get that do not wait, beside the BCL's <see cref="Queue{T}"/>: they must not
/// allocate. Times are per pair. (Queues that make tasks wait, W4 through <c>AsyncQueue(1)</c>,
/// are in <see cref="PingPongBenchmarks"/>.)
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class QueueBenchmarks
{
    private const int Pairs = 1_000_000;

    private readonly Queue<int> _bclQueue = new();
    private readonly AsyncQueue<int> _queue = new();

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
