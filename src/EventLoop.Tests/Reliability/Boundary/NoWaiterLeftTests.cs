namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>A wait on a queue, lock, semaphore, event, condition or barrier that ends by cancellation leaves no waiter behind, loses no item and holds no lock.</summary>
/// <remarks>
/// Every primitive is cancelled each way a user can: <c>task.Cancel()</c>, a <c>WaitFor</c>
/// timeout, a <see cref="CancellationToken"/> cancelled by a loop callback, and one cancelled from
/// another thread. Each wait blocks at time 0 and is cancelled at time 1; then the primitive must
/// work as if the wait had never been.
/// </remarks>
public class NoWaiterLeftTests : LoopTest
{
    public enum Way
    {
        TaskCancel,
        WaitForTimeout,
        TokenFromLoop,
        TokenFromForeignThread,
    }

    /// <summary>One primitive: <see cref="Wait"/> blocks (after <see cref="Setup"/>); <see cref="Check"/> asserts nothing is left and it still works.</summary>
    private sealed record Scenario(Func<Task> Setup, Func<CancellationToken, Task> Wait, Func<Task> Check);

    public static TheoryData<string, Way> Cases()
    {
        var data = new TheoryData<string, Way>();
        foreach (var primitive in new[] { "queue get", "queue put", "lifo get", "priority put", "lock", "lock LockAsync", "semaphore", "bounded semaphore", "event", "condition", "barrier", "queue join" })
        {
            foreach (var way in Enum.GetValues<Way>())
                data.Add(primitive, way);
        }
        return data;
    }

    private static Scenario Make(EventLoop loop, string primitive)
    {
        switch (primitive)
        {
            case "queue get":
            case "lifo get":
            {
                AsyncQueue<int> q = primitive == "queue get" ? new AsyncQueue<int>() : new AsyncLifoQueue<int>();
                return new(() => Task.CompletedTask, ct => q.GetAsync(ct).AsTask(), async () =>
                {
                    Assert.Equal(0, q.GetterCount);
                    q.PutNowait(7);
                    var next = q.GetAsync();
                    Assert.True(next.IsCompletedSuccessfully); // the item waited for nobody
                    Assert.Equal(7, await next);
                    Assert.Equal(0, q.Count);
                });
            }
            case "queue put":
            case "priority put":
            {
                AsyncQueue<int> q = primitive == "queue put" ? new AsyncQueue<int>(1) : new AsyncPriorityQueue<int>(1);
                return new(() => q.PutAsync(1).AsTask(), ct => q.PutAsync(2, ct).AsTask(), async () =>
                {
                    Assert.Equal(0, q.PutterCount);
                    Assert.Equal(1, q.Count); // the cancelled put's item never went in
                    Assert.Equal(1, q.GetNowait());
                    await q.PutAsync(3);
                    Assert.Equal(3, q.GetNowait());
                    Assert.True(q.Empty);
                });
            }
            case "queue join":
            {
                var q = new AsyncQueue<int>();
                return new(() => q.PutAsync(1).AsTask(), ct => q.JoinAsync(ct).AsTask(), async () =>
                {
                    Assert.Equal(1, q.GetNowait());
                    q.TaskDone();
                    var join = q.JoinAsync();
                    Assert.True(join.IsCompletedSuccessfully);
                    await join;
                });
            }
            case "lock":
            case "lock LockAsync":
            {
                var lk = new AsyncLock();
                Func<CancellationToken, Task> wait = primitive == "lock"
                    ? ct => lk.AcquireAsync(ct).AsTask()
                    : async ct => (await lk.LockAsync(ct)).Dispose();
                return new(() => lk.AcquireAsync().AsTask(), wait, async () =>
                {
                    Assert.Equal(0, lk.WaiterCount);
                    lk.Release();
                    Assert.False(lk.Locked); // the cancelled waiter holds nothing
                    var again = lk.AcquireAsync();
                    Assert.True(again.IsCompletedSuccessfully);
                    await again;
                    lk.Release();
                });
            }
            case "semaphore":
            case "bounded semaphore":
            {
                var sem = primitive == "semaphore" ? new AsyncSemaphore(1) : new AsyncBoundedSemaphore(1);
                return new(() => sem.AcquireAsync().AsTask(), ct => sem.AcquireAsync(ct).AsTask(), async () =>
                {
                    Assert.Equal(0, sem.WaiterCount);
                    Assert.Equal(0, sem.Value);
                    sem.Release();
                    Assert.Equal(1, sem.Value); // the permit was not handed to the cancelled waiter
                    var again = sem.AcquireAsync();
                    Assert.True(again.IsCompletedSuccessfully);
                    await again;
                    sem.Release();
                });
            }
            case "event":
            {
                var ev = new AsyncEvent();
                return new(() => Task.CompletedTask, ct => ev.WaitAsync(ct).AsTask(), async () =>
                {
                    Assert.Equal(0, ev.WaiterCount);
                    Assert.False(ev.IsSet);
                    ev.Set();
                    Assert.True(await ev.WaitAsync());
                });
            }
            case "condition":
            {
                var cond = new AsyncCondition();
                return new(() => Task.CompletedTask, async ct =>
                {
                    await cond.AcquireAsync();
                    try
                    {
                        await cond.WaitAsync(ct);
                    }
                    finally
                    {
                        cond.Release(); // held again even when cancelled
                    }
                }, async () =>
                {
                    Assert.Equal(0, cond.WaiterCount);
                    Assert.False(cond.Locked);
                    using (await cond.LockAsync())
                        cond.NotifyAll();
                });
            }
            case "barrier":
            {
                var barrier = new AsyncBarrier(2);
                return new(() => Task.CompletedTask, ct => barrier.WaitAsync(ct).AsTask(), async () =>
                {
                    Assert.Equal(0, barrier.Waiting); // the cancelled party left the count
                    Assert.False(barrier.Broken);
                    var a = loop.CreateTask(async () => await barrier.WaitAsync());
                    var b = loop.CreateTask(async () => await barrier.WaitAsync());
                    Assert.Equal([0, 1], (await loop.Gather(a, b)).Order());
                });
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(primitive));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Wait_CancelledAtTimeOne_LeavesNoWaiterLosesNothingHoldsNothing(string primitive, Way way)
    {
        var loop = NewLoop();
        var scenario = Make(loop, primitive);
        string outcome = "";
        loop.RunUntilComplete(async () =>
        {
            await scenario.Setup();
            using var cts = new CancellationTokenSource();
            try
            {
                switch (way)
                {
                    case Way.TaskCancel:
                        var task = loop.CreateTask(() => scenario.Wait(default));
                        loop.CallLater(1, () => task.Cancel());
                        await task;
                        break;
                    case Way.WaitForTimeout:
                        await loop.WaitFor(() => scenario.Wait(default), 1.0);
                        break;
                    case Way.TokenFromLoop:
                        loop.CallLater(1, cts.Cancel);
                        await scenario.Wait(cts.Token);
                        break;
                    case Way.TokenFromForeignThread:
                        loop.CallLater(1, () => Assert.Null(ForeignThread.Call(cts.Cancel)));
                        await scenario.Wait(cts.Token);
                        break;
                }
                outcome = "completed";
            }
            catch (TimeoutException)
            {
                outcome = "timeout";
            }
            catch (OperationCanceledException)
            {
                outcome = "cancelled";
            }
            Assert.Equal(1.0, loop.Time());
            await scenario.Check();
        });
        Assert.Equal(way == Way.WaitForTimeout ? "timeout" : "cancelled", outcome);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void QueueGet_TokenFiresInTheIterationThatWokeIt_TheItemGoesToTheNextGetter(bool foreignThread)
    {
        // The getter was handed the item (its Future is done) when the token fires: the item is
        // either returned by that get or passed on, never dropped.
        var loop = NewLoop();
        var queue = new AsyncQueue<int>();
        var results = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            using var cts = new CancellationTokenSource();
            var first = loop.CreateTask(async () => await queue.GetAsync(cts.Token));
            var second = loop.CreateTask(async () => await queue.GetAsync());
            loop.CallLater(1, () =>
            {
                queue.PutNowait(7);
                if (foreignThread)
                    Assert.Null(ForeignThread.Call(cts.Cancel));
                else
                    cts.Cancel();
            });
            loop.CallLater(2, () => queue.PutNowait(8));
            foreach (var task in new[] { first, second })
            {
                try
                {
                    results.Add((await task).ToString());
                }
                catch (OperationCanceledException)
                {
                    results.Add("cancelled");
                }
            }
            Assert.Equal(0, queue.GetterCount);
            Assert.Equal(0, queue.Count);
        });
        // asyncio's rule: the woken getter takes the item when it resumes; the token came too late.
        Assert.Equal(["7", "8"], results);
    }

    [Fact]
    public void Wait_TokenAlreadyCancelled_DoesNotQueueAndThrowsAtOnce()
    {
        var loop = NewLoop();
        var queue = new AsyncQueue<int>();
        var lk = new AsyncLock();
        loop.RunUntilComplete(async () =>
        {
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            await lk.AcquireAsync();
            var get = queue.GetAsync(cts.Token);
            var acquire = lk.AcquireAsync(cts.Token);
            Assert.True(get.IsCanceled);
            Assert.True(acquire.IsCanceled);
            Assert.Equal(0, queue.GetterCount);
            Assert.Equal(0, lk.WaiterCount);
            // A call that does not wait ignores the token, as asyncio has none to look at.
            queue.PutNowait(1);
            Assert.Equal(1, await queue.GetAsync(cts.Token));
        });
    }

    [Fact]
    public void Acceptance_QueueGetWithToken_CancelledAtOne()
    {
        // The interop acceptance lines about the queue, on this branch's API.
        var loop = NewLoop();
        var queue = new AsyncQueue<int>();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            loop.CallLater(0.25, () => queue.PutNowait(1));
            log.Add((await loop.WaitFor(async () => await queue.GetAsync(), 1.0)).ToString());
            try
            {
                await loop.WaitFor(async () => await queue.GetAsync(), 0.5);
            }
            catch (TimeoutException)
            {
                log.Add("timeout at " + loop.Time());
            }
            queue.PutNowait(2);
            log.Add(queue.GetNowait().ToString());
            using var cts = new CancellationTokenSource();
            loop.CallLater(0.25, cts.Cancel);
            try
            {
                await queue.GetAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                log.Add("cancelled at " + loop.Time());
            }
        });
        Assert.Equal(["1", "timeout at 0.75", "2", "cancelled at 1"], log);
    }
}
