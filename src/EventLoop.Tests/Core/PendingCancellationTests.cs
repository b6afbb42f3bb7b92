using Asyncio.Tests.Reliability;

namespace Asyncio.Tests.Core;

/// <summary>
/// A cancellation that cannot be thrown where the task is suspended (at the await of a .NET
/// Task, which the loop cannot throw into) waits for the task's next loop await, even one that
/// does not suspend. Such awaits skip the current task unless some task anywhere holds one:
/// these pin both halves, and that the count behind the skip is given back.
/// </summary>
/// <remarks>In the non-parallel collection: the count is process-wide, so no other test may run beside.</remarks>
[Collection(ResourceBoundsCollection.Name)]
public class PendingCancellationTests : LoopTest
{
    [Fact]
    public void CancelDuringADotNetAwait_IsThrownAtTheNextAwaitOfAFinishedFuture_AndOnlyThere()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var finished = loop.CreateFuture<int>();
        finished.SetResult(7);
        var gate = new TaskCompletionSource();
        var task = loop.CreateTask(async () =>
        {
            await gate.Task; // a .NET Task: the cancellation cannot be thrown here
            log.Add("resumed after the .NET await");
            try
            {
                await finished;
                log.Add("not reached");
            }
            catch (CancelledError)
            {
                log.Add("cancelled at the finished Future");
            }
            log.Add($"then it reads {await finished}");
            return 1;
        });
        RunOnce(loop);
        task.Cancel();
        gate.SetResult();

        Assert.Equal(1, loop.RunUntilComplete(task)); // it caught the cancellation, so it finishes
        Assert.Equal(["resumed after the .NET await", "cancelled at the finished Future", "then it reads 7"], log);
        Assert.False(LoopTask.AnyPendingException);
    }

    [Fact]
    public void CancelDuringADotNetAwait_IsThrownAtTheNextSleepZero()
    {
        var loop = NewLoop();
        var gate = new TaskCompletionSource();
        var log = new List<string>();
        var task = loop.CreateTask(async () =>
        {
            await gate.Task;
            try { await loop.Sleep(0); }
            catch (CancelledError) { log.Add("cancelled at Sleep(0)"); throw; }
        });
        RunOnce(loop);
        task.Cancel();
        gate.SetResult();

        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        Assert.Equal(["cancelled at Sleep(0)"], log);
        Assert.False(LoopTask.AnyPendingException);
    }

    [Fact]
    public void ALoopClosedWithSuchATask_GivesTheCountBack()
    {
        var loop = NewLoop();
        var gate = new TaskCompletionSource();
        var task = loop.CreateTask(async () =>
        {
            await gate.Task;
            await loop.CreateFuture<int>(); // never reached: the loop stops before the next step
        });
        RunOnce(loop);
        task.Cancel();
        gate.SetResult();
        RunOnce(loop); // the step where the .NET await resumes: it holds the cancellation now

        Assert.True(LoopTask.AnyPendingException);
        loop.Close();
        TakeReports(); // "Task was destroyed but it is pending!"
        Assert.False(LoopTask.AnyPendingException);
    }

    [Fact]
    public void CancelDuringADotNetAwait_ThenAnAwaitOfAPendingFuture_ThrowsThereWithoutWaitingForIt()
    {
        var loop = NewLoop();
        var gate = new TaskCompletionSource();
        var never = loop.CreateFuture<int>();
        var log = new List<string>();
        var task = loop.CreateTask(async () =>
        {
            await gate.Task;
            try { await never; }
            catch (CancelledError) { log.Add($"cancelled at the pending Future at {loop.Time()}"); throw; }
        });
        RunOnce(loop);
        task.Cancel();
        gate.SetResult();

        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        Assert.Equal(["cancelled at the pending Future at 0"], log);
        Assert.False(never.Done); // thrown at the await; the Future itself is left alone
        Assert.False(LoopTask.AnyPendingException);
    }

    [Fact]
    public void CancelDuringADotNetAwait_ThenAQueueGetThatWouldWait_ThrowsThereAndLeavesNoGetter()
    {
        var loop = NewLoop();
        var gate = new TaskCompletionSource();
        var queue = new AsyncQueue<int>();
        var log = new List<string>();
        var task = loop.CreateTask(async () =>
        {
            await gate.Task;
            try { await queue.GetAsync(); }
            catch (CancelledError) { log.Add("cancelled at the get"); throw; }
        });
        RunOnce(loop);
        task.Cancel();
        gate.SetResult();

        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        Assert.Equal(["cancelled at the get"], log);
        queue.PutNowait(5); // no getter is left waiting to take it
        Assert.Equal(1, queue.Count);
    }
}
