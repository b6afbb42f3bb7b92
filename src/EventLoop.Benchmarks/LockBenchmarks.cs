using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Asyncio.Benchmarks;

/// <summary>
/// Lock hand-off: two tasks take an <see cref="AsyncLock"/> in turn, 200,000 hand-offs (each
/// release wakes the other task, which then holds it), beside the floor, a bare ring buffer of
/// delegates making one hop per hand-off. And an uncontended acquire/release of the lock and of
/// a semaphore beside <see cref="System.Threading.Lock"/>: they must not allocate. Times are per
/// hand-off / per acquire-release pair.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LockBenchmarks
{
    private const int N = 200_000;
    private const int Pairs = 1_000_000;
    private static readonly EventLoopOptions Virtual = new() { VirtualTime = true };

    private EventLoop _loop = null!;
    private DelegateRing _ring = null!;
    private int _remaining;
    private Action _hop = null!;
    private readonly System.Threading.Lock _monitor = new();
    private readonly AsyncLock _lock = new();
    private readonly AsyncSemaphore _semaphore = new(1);

    [GlobalSetup]
    public void Setup() => _hop = () =>
    {
        if (--_remaining > 0)
            _ring.Enqueue(_hop);
    };

    [IterationSetup]
    public void NewLoop()
    {
        _loop?.Close();
        _loop = new EventLoop(Virtual);
        _ring = new DelegateRing();
        _remaining = N;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N), BenchmarkCategory("Lock hand-off")]
    public void Floor_HandOff()
    {
        _ring.Enqueue(_hop);
        _ring.RunAll();
    }

    [Benchmark(OperationsPerInvoke = N), BenchmarkCategory("Lock hand-off")]
    public void Loop_LockHandOff()
    {
        var loop = _loop;
        var lk = new AsyncLock();
        loop.RunUntilComplete(async () =>
        {
            // While one task holds the lock the other waits; a release wakes the waiter, and the
            // releaser's next acquire queues behind it (FIFO): a hand-off every time.
            async Task Take(int times)
            {
                for (int i = 0; i < times; i++)
                {
                    await lk.AcquireAsync();
                    await loop.Sleep(0);
                    lk.Release();
                }
            }
            var other = loop.CreateTask(() => Take(N / 2));
            await Take(N / 2);
            await other;
        });
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Pairs), BenchmarkCategory("Uncontended acquire/release")]
    public void Floor_ThreadingLock()
    {
        for (int i = 0; i < Pairs; i++)
        {
            _monitor.Enter();
            _monitor.Exit();
        }
    }

    [Benchmark(OperationsPerInvoke = Pairs), BenchmarkCategory("Uncontended acquire/release")]
    public void AsyncLock_AcquireRelease()
    {
        for (int i = 0; i < Pairs; i++)
        {
            _lock.AcquireAsync().GetAwaiter().GetResult();
            _lock.Release();
        }
    }

    [Benchmark(OperationsPerInvoke = Pairs), BenchmarkCategory("Uncontended acquire/release")]
    public void AsyncLock_UsingLockAsync()
    {
        for (int i = 0; i < Pairs; i++)
        {
            using (_lock.LockAsync().GetAwaiter().GetResult())
            {
            }
        }
    }

    [Benchmark(OperationsPerInvoke = Pairs), BenchmarkCategory("Uncontended acquire/release")]
    public void AsyncSemaphore_AcquireRelease()
    {
        for (int i = 0; i < Pairs; i++)
        {
            _semaphore.AcquireAsync().GetAwaiter().GetResult();
            _semaphore.Release();
        }
    }
}
