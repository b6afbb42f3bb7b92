using Asyncio.Internal;

namespace Asyncio.Tests.Core;

/// <summary>
/// A .NET await inside a task (a <see cref="Task"/>, <c>Task.Yield()</c>) comes back through a
/// post to the task's SynchronizationContext. A continuation .NET posts as an Action is queued as
/// the task's step itself; any other post keeps its callback and state together. Either way a
/// post runs as a step of the task, in posting order, one iteration later.
/// </summary>
public class DotNetAwaitPostTests : LoopTest
{
    [Fact]
    public void TheProbe_FindsTheCallbacksOfTaskYieldAndOfATasksContinuation()
    {
        var seen = new List<SendOrPostCallback>();
        var recorder = new RecordingContext(seen);
        var pending = new TaskCompletionSource();
        var previous = SynchronizationContext.Current;
        try
        {
            SynchronizationContext.SetSynchronizationContext(recorder);
            Task.Yield().GetAwaiter().UnsafeOnCompleted(() => { });
            pending.Task.GetAwaiter().UnsafeOnCompleted(() => { });
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        pending.SetResult();

        Assert.Equal(2, seen.Count);
        Assert.All(seen, callback => Assert.True(ContinuationCallbacks.RunsItsAction(callback)));
        Assert.False(ContinuationCallbacks.RunsItsAction(static state => ((Action)state!)()));
        Assert.NotNull(ContinuationCallbacks.StateMachineRunner);
        Assert.DoesNotContain(ContinuationCallbacks.StateMachineRunner, seen);
    }

    /// <summary>Bytes allocated per await by <paramref name="program"/>, a task that awaits as many times as it is given.</summary>
    /// <remarks>A first run pays for what is made once; the difference of two later runs leaves the cost of the extra awaits alone.</remarks>
    private static long BytesPerAwait(EventLoop loop, Func<int, Func<Task>> program)
    {
        long Run(int times)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            loop.RunUntilComplete(program(times));
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Run(1_000);
        return Allocations.PerObject(Run(20_000) - Run(10_000), 10_000);
    }

    // An await of Task.Yield() in an async method: .NET posts the method's state machine, which
    // hands out no Action, so each await allocated a 32-byte object pairing callback and state.
    [Fact]
    public void AwaitOfTaskYield_InATask_AllocatesNothing()
    {
        var loop = NewLoop();
        Assert.Equal(0, BytesPerAwait(loop, times => async () =>
        {
            for (int i = 0; i < times; i++)
                await Task.Yield();
        }));
    }

    // Counted here: 232 bytes per await (the TaskCompletionSource and its Task, .NET's
    // continuation object, the CallSoon handle and delegate), 264 while every post paired its
    // callback and state in a 32-byte object of the loop's.
    [Fact]
    public void AwaitOfADotNetTask_InATask_AllocatesNoObjectOfTheLoops()
    {
        var loop = NewLoop();
        // Each await: a TaskCompletionSource completed by a callback one iteration later.
        Assert.InRange(BytesPerAwait(loop, times => async () =>
        {
            for (int i = 0; i < times; i++)
            {
                var pending = new TaskCompletionSource();
                loop.CallSoon(pending.SetResult);
                await pending.Task;
            }
        }), 1, 232);
    }

    [Fact]
    public void Posts_RunAsStepsOfTheTask_InPostingOrder_WhateverTheirCallback()
    {
        var loop = NewLoop();
        var events = new List<string>();
        int iteration = 0;
        string Where() => $"{loop.CurrentTask?.Name ?? "no task"} at iteration {iteration}";
        void Tick()
        {
            iteration++;
            if (iteration < 5)
                loop.CallSoon(Tick);
        }
        loop.CallSoon(Tick);
        var task = loop.CreateTask(async () =>
        {
            var context = SynchronizationContext.Current!;
            context.Post(state => events.Add($"custom {state}: {Where()}"), "post");
            context.Post(_ => events.Add($"null state: {Where()}"), null);
            events.Add($"before yield: {Where()}");
            await Task.Yield(); // .NET's own callback, queued behind the two posts
            events.Add($"after yield: {Where()}");
        }, name: "T");
        loop.RunUntilComplete(task);

        Assert.Equal(
        [
            "before yield: T at iteration 1",
            "custom post: T at iteration 2",
            "null state: T at iteration 2",
            "after yield: T at iteration 2",
        ], events);
    }

    [Fact]
    public void ADotNetTaskCompletedFromAnotherThread_ResumesTheTaskAsAStepOnTheLoop()
    {
        var loop = NewLoop();
        var events = new List<string>();
        var gate = new TaskCompletionSource();
        var task = loop.CreateTask(async () =>
        {
            var own = SynchronizationContext.Current;
            var loopThread = Environment.CurrentManagedThreadId;
            _ = Task.Run(gate.SetResult);
            await gate.Task;
            events.Add(Environment.CurrentManagedThreadId == loopThread ? "on the loop thread" : "elsewhere");
            events.Add(ReferenceEquals(SynchronizationContext.Current, own) ? "own context" : "another context");
            events.Add(loop.CurrentTask?.Name ?? "no task");
        }, name: "T");
        loop.RunUntilComplete(task);

        Assert.Equal(["on the loop thread", "own context", "T"], events);
    }

    private sealed class RecordingContext(List<SendOrPostCallback> seen) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) => seen.Add(d);
    }
}
