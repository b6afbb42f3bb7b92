namespace Asyncio.Tests.Core;

/// <summary>
/// Which SynchronizationContext code sees: a task's own in its steps, the loop's in plain
/// callbacks, the caller's again once the loop returns. The loop leaves a task's context
/// installed between two of its steps (no switch when the same task runs again), so these pin
/// that nothing else ever runs under it.
/// </summary>
public class SynchronizationContextTests : LoopTest
{
    private sealed class ForeignContext : SynchronizationContext
    {
    }

    [Fact]
    public void PlainCallbacks_BetweenStepsOfATask_SeeTheLoopsContext()
    {
        var loop = NewLoop();
        var seen = new List<(string Who, SynchronizationContext? Context)>();
        void Callback(string who) => seen.Add((who, SynchronizationContext.Current));

        loop.CallSoon(Callback, "before");
        var task = loop.CreateTask(async () =>
        {
            seen.Add(("step 1", SynchronizationContext.Current));
            loop.CallSoon(Callback, "between");
            await loop.Sleep(0);
            seen.Add(("step 2", SynchronizationContext.Current));
            loop.CallSoon(Callback, "after");
        });
        loop.RunUntilComplete(task);
        RunOnce(loop);

        Assert.Equal(["before", "step 1", "between", "step 2", "after"], seen.Select(s => s.Who));
        var loopContext = seen[0].Context;
        Assert.NotNull(loopContext);
        Assert.Same(loopContext, seen[2].Context);
        Assert.Same(loopContext, seen[4].Context);
        Assert.NotSame(loopContext, seen[1].Context);
        Assert.Same(seen[1].Context, seen[3].Context); // each step of one task: its own context
    }

    [Fact]
    public void TwoTasks_TakingTurns_EachSeeTheirOwnContext()
    {
        var loop = NewLoop();
        var seen = new List<(string Who, SynchronizationContext? Context)>();
        async Task Worker(string name)
        {
            for (int i = 0; i < 3; i++)
            {
                seen.Add((name, SynchronizationContext.Current));
                await loop.Sleep(0);
            }
        }
        var a = loop.CreateTask(() => Worker("a"));
        var b = loop.CreateTask(() => Worker("b"));
        loop.RunUntilComplete(loop.Gather(new Future[] { a, b }));

        Assert.Equal(["a", "b", "a", "b", "a", "b"], seen.Select(s => s.Who));
        var contextOfA = seen[0].Context;
        var contextOfB = seen[1].Context;
        Assert.NotNull(contextOfA);
        Assert.NotSame(contextOfA, contextOfB);
        Assert.All(seen, s => Assert.Same(s.Who == "a" ? contextOfA : contextOfB, s.Context));
    }

    [Fact]
    public void RunUntilComplete_GivesTheCallersContextBack_AfterATaskRanLast()
    {
        var loop = NewLoop();
        var callers = new ForeignContext();
        var before = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(callers);
        try
        {
            loop.RunUntilComplete(async () => await loop.Sleep(0));
            Assert.Same(callers, SynchronizationContext.Current);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(before);
        }
    }

    [Fact]
    public void ACallbackThatInstallsAContext_DoesNotLeakIntoTheNextStep()
    {
        var loop = NewLoop();
        var foreign = new ForeignContext();
        var log = new List<string>();
        LoopTask task = null!;
        task = loop.CreateTask(async () =>
        {
            var own = SynchronizationContext.Current;
            loop.CallSoon(() => SynchronizationContext.SetSynchronizationContext(foreign));
            await loop.Sleep(0);
            log.Add(ReferenceEquals(SynchronizationContext.Current, own) ? "own context" : "another context");
            log.Add(ReferenceEquals(loop.CurrentTask, task) ? "current task" : "not current");
            loop.CallSoon(() => log.Add(ReferenceEquals(SynchronizationContext.Current, foreign) ? "callback: foreign" : "callback: loop's"));
        });
        loop.RunUntilComplete(task);
        RunOnce(loop);

        Assert.Equal(["own context", "current task", "callback: loop's"], log);
    }

    [Fact]
    public void ADotNetTaskCompletedByAnotherTask_ResumesItsAwaiterAsAStepOfItsOwnTask()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var gate = new TaskCompletionSource();
        LoopTask waiter = null!;
        waiter = loop.CreateTask(async () =>
        {
            var own = SynchronizationContext.Current;
            await gate.Task;
            log.Add(ReferenceEquals(SynchronizationContext.Current, own) ? "waiter: own context" : "waiter: another context");
            log.Add(ReferenceEquals(loop.CurrentTask, waiter) ? "waiter: current" : "waiter: not current");
        });
        var releaser = loop.CreateTask(async () =>
        {
            await loop.Sleep(0);
            gate.SetResult();
            log.Add("released");
        });
        loop.RunUntilComplete(loop.Gather(new Future[] { waiter, releaser }));

        Assert.Equal(["released", "waiter: own context", "waiter: current"], log);
    }

    [Fact]
    public void CurrentTask_InACallbackRightAfterAStep_AndOnceTheLoopReturns_IsNull()
    {
        var loop = NewLoop();
        var log = new List<string>();
        void Callback(string who) => log.Add(who + ": " + (loop.CurrentTask?.Name ?? "no task"));
        var task = loop.CreateTask(async () =>
        {
            Callback("step 1");
            loop.CallSoon(Callback, "callback");
            await loop.Sleep(0);
            Callback("step 2");
        }, name: "worker");
        loop.RunUntilComplete(task);

        Assert.Equal(["step 1: worker", "callback: no task", "step 2: worker"], log);
        Assert.Null(loop.CurrentTask);
    }

    [Fact]
    public void TheExceptionHandler_AfterAStepThrew_RunsOutsideAnyTask()
    {
        var loop = NewLoop();
        var seen = new List<string>();
        SynchronizationContext? loopContext = null;
        loop.CallSoon(() => loopContext = SynchronizationContext.Current);
        loop.SetExceptionHandler((l, context) => seen.Add(
            $"{context.Message}: {(l.CurrentTask is null ? "no task" : "in a task")}, {(ReferenceEquals(SynchronizationContext.Current, loopContext) ? "loop's context" : "another context")}"));
        var task = loop.CreateTask(async () =>
        {
            // A callback posted to the task's own context runs as a step of the task.
            SynchronizationContext.Current!.Post(_ => throw new InvalidOperationException("boom"), null);
            await loop.Sleep(0);
        });
        loop.RunUntilComplete(task);

        Assert.Single(seen);
        Assert.EndsWith(": no task, loop's context", seen[0]);
        Assert.StartsWith("Exception in callback ", seen[0]);
    }
}
