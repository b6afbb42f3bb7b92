namespace Asyncio.Tests.Core;

/// <summary>
/// What a task costs in memory, counted: workload W3 (100,000 tasks, each awaiting
/// <c>Sleep(0)</c> once) is bound by the garbage collector's work on the live tasks, so each
/// byte per task shows up in its time. These pin the sizes so that a field added to the task,
/// its context or an awaiter is noticed.
/// </summary>
public class TaskCostTests : LoopTest
{
    /// <summary>Bytes allocated per task by a task that creates <c>n</c> tasks with <paramref name="spawn"/> one after the other, awaiting each.</summary>
    /// <remarks>A first run pays for what is made once; the difference of two later runs leaves the cost of the extra tasks alone.</remarks>
    private static long BytesPerTask(EventLoop loop, Func<LoopTask> spawn)
    {
        long Run(int n)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            loop.RunUntilComplete(async () =>
            {
                for (int i = 0; i < n; i++)
                    await spawn();
            });
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Run(1_000);
        return Allocations.PerObject(Run(4_000) - Run(2_000), 2_000);
    }

    private static long BytesPerTask(EventLoop loop, Func<Task> child) => BytesPerTask(loop, () => loop.CreateTask(child));

    // The LoopTask (128 bytes) and its SynchronizationContext (32), then at the first await that
    // suspends the compiler's state machine box (104 here) and the delegate to its MoveNext (64).
    // GetCoro keeps what ran in the field that held the method, not in a field of its own: 136
    // bytes per task made W3 spawn 1.7 times slower. The box was 112 bytes while Sleep's awaiter held the loop and a Future in two fields; the
    // task was 136 while a Future kept its first done-callback as one 24-byte WorkItem field.
    // A Debug build of this file compiles the lambda's state machine as a class of its own, which
    // the box then points to: 24 bytes more.
#if DEBUG
    private const int SleepOnceBytes = 352;
#else
    private const int SleepOnceBytes = 328;
#endif

    [Fact]
    public void ATaskThatSleepsOnce_CostsTheTaskItsContextAndOneBox()
    {
        var loop = NewLoop();
        Assert.Equal(SleepOnceBytes, BytesPerTask(loop, async () => await loop.Sleep(0)));
    }

    private static async Coroutine SleepZero(EventLoop loop) => await loop.Sleep(0);

    // A task over a coroutine: the LoopTask (128) and its context (32) as above, and the
    // coroutine's box (88), which is also the step the loop queues: no .NET Task box, no
    // delegate. The box holds its own five fields (continuation, exception, ExecutionContext,
    // delegate for foreign awaits, state) and the state machine inline (state, builder, awaiter,
    // the loop argument). It was 272 while the box's awaiter call went through the interface,
    // which boxed the SleepAwaiter. A Debug build makes the state machine a class: 24 bytes more.
#if DEBUG
    private const int CoroutineSleepOnceBytes = 272;
#else
    private const int CoroutineSleepOnceBytes = 248;
#endif

    [Fact]
    public void ATaskOverACoroutineThatSleepsOnce_CostsTheTaskItsContextAndTheCoroutine()
    {
        var loop = NewLoop();
        Assert.Equal(CoroutineSleepOnceBytes, BytesPerTask(loop, () => loop.CreateTask(SleepZero(loop))));
    }

    // What the box holds of Sleep's awaiter: one reference.
    [Fact]
    public void SleepAwaiter_IsOneReference()
    {
        Assert.Equal(IntPtr.Size, System.Runtime.CompilerServices.Unsafe.SizeOf<SleepAwaiter>());
    }

    // A task that never suspends: the LoopTask and its context alone.
    [Fact]
    public void ATaskThatNeverSuspends_Costs160Bytes()
    {
        var loop = NewLoop();
        Assert.Equal(160, BytesPerTask(loop, () => Task.CompletedTask));
    }

    // A Future<int> with one done-callback, as each ping-pong round trip of workload W4 makes
    // two: the callback's kind packs beside the state, so the object is 64 bytes (it was 72).
    [Fact]
    public void AFutureOfIntWithOneCallback_Costs64Bytes()
    {
        var loop = NewLoop();
        Action<Future> callback = static _ => { };
        long Run(int n)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < n; i++)
                loop.CreateFuture<int>().AddDoneCallback(callback);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Run(1_000);
        Assert.Equal(64, Allocations.PerObject(Run(4_000) - Run(2_000), 2_000));
    }
}
