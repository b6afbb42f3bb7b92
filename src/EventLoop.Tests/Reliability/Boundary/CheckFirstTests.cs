namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>Probes of "refused, yet it acted": each call from another thread, made while the loop runs, throws and changes nothing.</summary>
/// <remarks>Each test then does the same call on the loop thread and checks that it behaves as if the refused call had never happened.</remarks>
public class CheckFirstTests : LoopTest
{
    [Fact]
    public void QueuePutNowait_FromForeignThread_ThrowsQueuesNothingAndTheGetterIsStillWoken()
    {
        var loop = NewLoop();
        var queue = new AsyncQueue<int>();
        var getter = loop.CreateTask(async () => await queue.GetAsync());
        loop.RunUntilComplete(async () =>
        {
            await loop.Sleep(0); // the getter waits in line
            Assert.Equal(1, queue.GetterCount);

            ForeignThread.AssertRefused(() => queue.PutNowait(1), "PutNowait");

            Assert.Equal(0, queue.Count);
            Assert.Equal(1, queue.GetterCount);
            Assert.Equal(0, queue.UnfinishedTasks);
            queue.PutNowait(2);
            Assert.Equal(2, await getter);
        });
    }

    [Fact]
    public void EventSet_FromForeignThread_ThrowsLeavesItUnsetAndALaterSetWakesTheWaiter()
    {
        var loop = NewLoop();
        var ev = new AsyncEvent();
        var waiter = loop.CreateTask(async () => await ev.WaitAsync());
        loop.RunUntilComplete(async () =>
        {
            await loop.Sleep(0);

            ForeignThread.AssertRefused(ev.Set, "Set");

            Assert.False(ev.IsSet);
            Assert.False(waiter.Done);
            ev.Set();
            Assert.True(await waiter);
        });
    }

    [Fact]
    public void ReaderFeedData_FromForeignThread_ThrowsBuffersNothingAndThePendingReadStillCompletes()
    {
        var loop = NewLoop();
        LoopStreamReader reader = null!;
        loop.RunUntilComplete(async () =>
        {
            reader = new LoopStreamReader();
            var read = loop.CreateTask(() => reader.ReadAsync(10));
            await loop.Sleep(0); // the read waits for data

            ForeignThread.AssertRefused(() => reader.FeedData("ab"u8), "FeedData");
            ForeignThread.AssertRefused(reader.FeedEof, "FeedEof");
            ForeignThread.AssertRefused(() => reader.SetException(new Exception("x")), "SetException");

            Assert.Equal(0, reader.BufferedCount);
            Assert.False(reader.AtEof);
            Assert.Null(reader.Exception);
            Assert.False(read.Done);
            reader.FeedData("cd"u8);
            Assert.Equal("cd"u8.ToArray(), await read);
        });
    }

    [Fact]
    public void AddDoneCallback_OnPendingFutureFromForeignThread_ThrowsAndAddsNothing()
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            var future = loop.CreateFuture<int>();
            future.AddDoneCallback(_ => log.Add("loop"));

            ForeignThread.AssertRefused(() => future.AddDoneCallback(_ => log.Add("foreign")), "AddDoneCallback");
            Action<Future> callback = _ => log.Add("removed?");
            future.AddDoneCallback(callback);
            ForeignThread.AssertRefused(() => future.RemoveDoneCallback(callback), "RemoveDoneCallback");

            Assert.Equal(2, future.CallbackCount);
            future.SetResult(1);
            await loop.Sleep(0);
        });
        Assert.Equal(["loop", "removed?"], log);
    }

    [Fact]
    public void ManyForeignAddDoneCallbacks_WhileTheLoopCompletesFutures_LoseNothingAndNeverReachTheReporter()
    {
        // A probe: 400,000 adds from another thread lost half the callbacks and sometimes
        // killed the loop thread. Now each foreign add is refused, and every loop-thread add runs.
        var loop = NewLoop();
        int ran = 0, refused = 0;
        const int Futures = 2000;
        loop.RunUntilComplete(async () =>
        {
            var futures = new List<Future<int>>();
            for (int i = 0; i < Futures; i++)
            {
                var f = loop.CreateFuture<int>();
                f.AddDoneCallback(_ => ran++);
                futures.Add(f);
            }
            var worker = new Thread(() =>
            {
                foreach (var f in futures)
                {
                    try
                    {
                        f.AddDoneCallback(_ => ran += 1000);
                    }
                    catch (InvalidOperationException)
                    {
                        Interlocked.Increment(ref refused);
                    }
                }
            })
            { IsBackground = true };
            worker.Start();
            foreach (var f in futures)
                f.SetResult(0);
            Assert.True(worker.Join(TimeSpan.FromSeconds(10)));
            await loop.Sleep(0);
        });
        Assert.Equal(Futures, ran);
        Assert.Equal(Futures, refused);
    }

    [Fact]
    public void TaskUncancelAndCancel_FromForeignThread_ThrowAndLeaveTheCountAlone()
    {
        var loop = NewLoop();
        loop.RunUntilComplete(async () =>
        {
            var task = loop.CreateTask(async () => await loop.Sleep(10));
            string name = task.Name;
            await loop.Sleep(0);
            task.Cancel();
            Assert.Equal(1, task.Cancelling);

            ForeignThread.AssertRefused(() => task.Uncancel(), "Uncancel");
            ForeignThread.AssertRefused(() => task.Cancel(), "Cancel");
            ForeignThread.AssertRefused(() => task.Name = "renamed", "Name");

            Assert.Equal(1, task.Cancelling);
            Assert.Equal(name, task.Name);
            await Raises<CancelledError>(async () => await task);
        });
    }

    [Fact]
    public void HandleCancel_OfACallSoonThreadsafeHandleFromTheSchedulingThread_TheCallbackNeverRuns()
    {
        var loop = NewLoop();
        bool ran = false;
        loop.RunUntilComplete(async () =>
        {
            Assert.Null(ForeignThread.Call(() =>
            {
                var handle = loop.CallSoonThreadsafe(() => ran = true);
                handle.Cancel();
            }));
            await loop.Sleep(0);
            await loop.Sleep(0);
        });
        Assert.False(ran);
    }

    [Fact]
    public void LockRelease_FromForeignThread_ThrowsAndTheLockStaysHeldForItsWaiter()
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            await lk.AcquireAsync();
            var waiter = loop.CreateTask(async () =>
            {
                await lk.AcquireAsync();
                log.Add("waiter acquired");
                lk.Release();
            });
            await loop.Sleep(0);

            ForeignThread.AssertRefused(lk.Release, "Release");
            ForeignThread.AssertRefused(() => lk.AcquireAsync(), "AcquireAsync");

            Assert.True(lk.Locked);
            Assert.Equal(1, lk.WaiterCount);
            log.Add("releasing");
            lk.Release();
            await waiter;
        });
        Assert.Equal(["releasing", "waiter acquired"], log);
    }

    [Fact]
    public void SemaphoreRelease_FromForeignThread_ThrowsAndNoPermitAppears()
    {
        var loop = NewLoop();
        var sem = new AsyncBoundedSemaphore(1);
        loop.RunUntilComplete(async () =>
        {
            await sem.AcquireAsync();
            var waiter = loop.CreateTask(async () => await sem.AcquireAsync());
            await loop.Sleep(0);

            ForeignThread.AssertRefused(sem.Release, "Release");

            Assert.Equal(0, sem.Value);
            Assert.False(waiter.Done);
            sem.Release();
            Assert.True(await waiter);
        });
    }

    [Fact]
    public void ConditionNotify_FromForeignThread_ThrowsAndTheNotificationIsNotSpent()
    {
        var loop = NewLoop();
        var cond = new AsyncCondition();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            var waiter = loop.CreateTask(async () =>
            {
                using (await cond.LockAsync())
                {
                    await cond.WaitAsync();
                    log.Add("notified");
                }
            });
            await loop.Sleep(0);
            using (await cond.LockAsync())
            {
                ForeignThread.AssertRefused(() => cond.Notify(), "Notify");
                ForeignThread.AssertRefused(cond.NotifyAll, "NotifyAll");
                ForeignThread.AssertRefused(cond.Release, "Release");
                Assert.True(cond.Locked);
                await loop.Sleep(0);
                Assert.Empty(log);
                log.Add("notify");
                cond.Notify();
            }
            await waiter;
        });
        Assert.Equal(["notify", "notified"], log);
    }

    [Fact]
    public void QueueGetNowaitAndShutdown_FromForeignThread_ThrowAndTakeNothing()
    {
        var loop = NewLoop();
        var queue = new AsyncQueue<int>(maxSize: 1);
        loop.RunUntilComplete(async () =>
        {
            await queue.PutAsync(1);
            var putter = loop.CreateTask(async () => await queue.PutAsync(2)); // binds the queue
            await loop.Sleep(0);

            ForeignThread.AssertRefused(() => queue.GetNowait(), "GetNowait");
            ForeignThread.AssertRefused(() => queue.TryGetNowait(out _), "TryGetNowait");
            ForeignThread.AssertRefused(() => queue.Shutdown(immediate: true), "Shutdown");
            ForeignThread.AssertRefused(queue.TaskDone, "TaskDone");

            Assert.Equal(1, queue.Count);
            Assert.False(queue.IsShutDown);
            Assert.Equal(1, queue.UnfinishedTasks);
            Assert.Equal(1, queue.GetNowait());
            await putter;
            Assert.Equal(2, queue.GetNowait());
        });
    }
}
