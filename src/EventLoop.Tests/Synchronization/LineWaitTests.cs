namespace Asyncio.Tests.Synchronization;

/// <summary>What a wait in a primitive's line costs (a contended acquire of a lock or a semaphore, a wait for an event): one waiter object.</summary>
public class LineWaitTests : LoopTest
{
    /// <summary>Bytes allocated per wait by <paramref name="program"/>, which makes <paramref name="waitsPerRound"/> waits a round.</summary>
    /// <remarks>
    /// A first run pays for what is made once (the ready queue's segments); the difference between
    /// two later runs leaves the cost of the extra rounds alone: the tasks and their async
    /// methods cost the same in both.
    /// </remarks>
    private static long BytesPerWait(EventLoop loop, Func<int, Func<Task>> program, int waitsPerRound)
    {
        long Run(int rounds)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            loop.RunUntilComplete(program(rounds));
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Run(1_000);
        return Allocations.PerObject(Run(4_000) - Run(2_000), waitsPerRound * 2_000);
    }

    // A contended acquire waits as one object, the loop Future in the line doubling as the
    // source of the returned ValueTask. The async methods it replaced allocated 328 bytes per
    // contended AcquireAsync (a state machine box, its continuation delegate and the Future)
    // and 560 per LockAsync (two of them); the waiter alone is 128 bytes, 136 with the
    // LockReleaser it returns (144 while that had a field of its own).
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void ContendedAcquire_AllocatesOnlyItsWaiter(bool semaphore, bool withLockAsync)
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        var sem = new AsyncSemaphore(1);
        Func<ValueTask<bool>> acquire = semaphore ? () => sem.AcquireAsync() : () => lk.AcquireAsync();
        Func<ValueTask<LockReleaser>> lockAsync = semaphore ? () => sem.LockAsync() : () => lk.LockAsync();
        Action release = semaphore ? sem.Release : lk.Release;
        // Two tasks take it in turn: each release wakes the other, whose acquire waited, and
        // the releaser's next acquire queues behind it.
        long perAcquire = BytesPerWait(loop, rounds => async () =>
        {
            async Task Take()
            {
                for (int i = 0; i < rounds; i++)
                {
                    if (withLockAsync)
                    {
                        using (await lockAsync())
                            await loop.Sleep(0);
                    }
                    else
                    {
                        await acquire();
                        await loop.Sleep(0);
                        release();
                    }
                }
            }
            var other = loop.CreateTask(Take);
            await Take();
            await other;
        }, waitsPerRound: 2);
        Assert.InRange(perAcquire, 1, withLockAsync ? 136 : 128);
        Assert.False(lk.Locked);
        Assert.Equal(1, sem.Value);
    }

    // Outside a task (an async method started by a plain callback) the waiter resumes as a
    // plain callback, and the caller's continuation runs on the loop in the same iteration.
    [Fact]
    public void ContendedAcquire_AwaitedOutsideATask_ResumesOnTheLoopOneIterationAfterTheRelease()
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        var events = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            async Task WaitOutsideATask()
            {
                events.Add("waiting");
                await lk.AcquireAsync();
                events.Add($"acquired on the loop: {EventLoop.RunningLoop == loop}, current task: {loop.CurrentTask?.Name ?? "none"}");
                lk.Release();
            }
            await lk.AcquireAsync();
            Task? outside = null;
            loop.CallSoon(() => outside = WaitOutsideATask());
            await loop.Sleep(0);
            events.Add("release");
            lk.Release();
            loop.CallSoon(() => events.Add("next iteration"));
            await loop.Sleep(0);
            await loop.Sleep(0);
            Assert.True(outside!.IsCompletedSuccessfully);
        });
        Assert.Equal(["waiting", "release", "acquired on the loop: True, current task: none", "next iteration"], events);
        Assert.False(lk.Locked);
    }

    // The same for an event: a wait for an unset event is its waiter alone.
    [Fact]
    public void EventWait_AllocatesOnlyItsWaiter()
    {
        var loop = NewLoop();
        var ev = new AsyncEvent();
        // One task waits for the event again and again; the other sets it and clears it once
        // the waiter has been woken.
        long perWait = BytesPerWait(loop, rounds => async () =>
        {
            async Task Waiter()
            {
                for (int i = 0; i < rounds; i++)
                {
                    await ev.WaitAsync();
                    ev.Clear();
                }
            }
            var waiter = loop.CreateTask(Waiter);
            while (!waiter.Done)
            {
                ev.Set();
                await loop.Sleep(0);
            }
        }, waitsPerRound: 1);
        Assert.InRange(perWait, 1, 128);
    }

    // A queue's waiting get is one object as well, and no larger than it was as the queue's
    // own class: 136 bytes (a shared base once added a field beside the putter's item, 144).
    [Fact]
    public void QueueWait_AllocatesOnlyItsWaiter_AtMost136Bytes()
    {
        var loop = NewLoop();
        // Ping-pong through two queues of one slot: each round trip, each side's get waits
        // once; the puts find room.
        long perWait = BytesPerWait(loop, rounds => async () =>
        {
            var there = new AsyncQueue<int>(1);
            var back = new AsyncQueue<int>(1);
            var other = loop.CreateTask(async () =>
            {
                for (int i = 0; i < rounds; i++)
                    await back.PutAsync(await there.GetAsync());
            });
            for (int i = 0; i < rounds; i++)
            {
                await there.PutAsync(i);
                await back.GetAsync();
            }
            await other;
        }, waitsPerRound: 2);
        Assert.InRange(perWait, 1, 136);
    }
}
