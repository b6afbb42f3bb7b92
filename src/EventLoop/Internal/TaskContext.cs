namespace Asyncio.Internal;

/// <summary>The SynchronizationContext of one task: each task has its own instance.</summary>
/// <remarks>
/// .NET runs an <c>await</c> continuation inline when it completes under the very context
/// instance it captured. One instance per task keeps that for the task's own nested awaits (as
/// Python's <c>await coro</c> runs inline) while a completion coming from another task or a
/// callback is posted: asyncio's <c>call_soon</c> wake-up.
/// </remarks>
internal sealed class TaskContext : SynchronizationContext
{
    // One field: the context is allocated for every task, so it reaches its loop through it.
    public TaskContext(LoopTask task)
    {
        Task = task;
        if (task.Loop.Debug)
            SetWaitNotificationRequired(); // blocking waits come through Wait below (BlockingWaits)
    }

    /// <summary>A blocking wait on the loop thread inside this task's step: reported in debug mode (<see cref="BlockingWaits"/>).</summary>
    public override int Wait(IntPtr[] waitHandles, bool waitAll, int millisecondsTimeout) =>
        BlockingWaits.Wait(Loop, Task, waitHandles, waitAll, millisecondsTimeout);

    public EventLoop Loop => Task.Loop;

    public LoopTask Task { get; }

    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        // An await of a .NET Task or Task.Yield() coming back: its continuation is queued as the
        // task's step itself, as the loop's own awaiters queue theirs (no object pairing callback
        // and state). Any other post keeps the two together.
        WorkItem item;
        if (state is Action continuation && ContinuationCallbacks.RunsItsAction(d))
            item = WorkItem.Step(continuation, this, WorkKind.TaskAction);
        else if (state is not null && ReferenceEquals(d, ContinuationCallbacks.StateMachineRunner))
            item = WorkItem.Step(state, this, WorkKind.TaskStateMachine);
        else
            item = WorkItem.Step(new PostedCallback(d, state), this, WorkKind.TaskPost);
        if (Loop.IsLoopThread)
        {
            if (ReferenceEquals(Loop.CurrentTask, Task))
                Task.OnYielded();
            Loop.EnqueueReady(in item);
        }
        else
        {
            Loop.PostFromOtherThread(in item);
        }
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (!Loop.IsLoopThread)
            throw new NotSupportedException("Send to a loop task's context from another thread would block; use Post.");
        d(state);
    }

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs one step of the task: asyncio's <c>Task.__step</c>, in the task's context (<c>context.run(self.__step)</c>).</summary>
    public void RunStep(in WorkItem item)
    {
        // Fast path, allocation-free: the captured ExecutionContext is already the thread's
        // (always so when no AsyncLocal is in use: both are the default context). Measured
        // against always going through ExecutionContext.Run, which restores both contexts
        // itself: W5 Sleep(0) 103 ns here vs 128 ns that way (BenchmarkDotNet, MediumRun).
        var captured = Task.CapturedContext;
        if (captured is null || ReferenceEquals(captured, ExecutionContext.Capture()))
        {
            // The context stays installed after the step (see EventLoop._installedTaskContext).
            // What the step's code changes, the async method builder puts back as it returns.
            Task.Loop.EnterTaskContext(this);
            RunStepCore(in item);
            return;
        }
        t_itemInContext = item;
        ExecutionContext.Run(captured, s_runStepInContext, this);
    }

    // The item of the step being run under ExecutionContext.Run, handed to the cached static
    // callback without a closure. Thread-static rather than a field of every task's context:
    // steps never nest on a thread, so one slot per thread is enough.
    [ThreadStatic]
    private static WorkItem t_itemInContext;

    private static readonly ContextCallback s_runStepInContext = static state =>
    {
        var item = t_itemInContext;
        t_itemInContext = default;
        var context = (TaskContext)state!;
        SetSynchronizationContext(context); // ExecutionContext.Run restores the previous one
        context.RunStepCore(in item);
    };

    /// <summary>The step itself, with this context installed: the task is current while its method runs.</summary>
    /// <remarks>
    /// The task stays current after the step, as its context stays installed: the loop clears
    /// both before anything that is not a step runs (<see cref="EventLoop.LeaveTask"/>), and the
    /// next step of the same task need not write the field again (a GC write barrier).
    /// </remarks>
    private void RunStepCore(in WorkItem item)
    {
        var task = Task;
        var loop = task.Loop;
        if (!ReferenceEquals(loop._currentTask, task))
            loop._currentTask = task;
        task.BeginStep();
        try
        {
            EventLoop.InvokeStep(in item);
        }
        finally
        {
            task.EndStep();
        }
    }
}

/// <summary>The loop's context outside any task: posts become plain callbacks on the loop.</summary>
internal sealed class LoopSynchronizationContext : SynchronizationContext
{
    public LoopSynchronizationContext(EventLoop loop)
    {
        Loop = loop;
        if (loop.Debug)
            SetWaitNotificationRequired();
    }

    /// <summary>A blocking wait on the loop thread in a plain callback: reported in debug mode (<see cref="BlockingWaits"/>).</summary>
    public override int Wait(IntPtr[] waitHandles, bool waitAll, int millisecondsTimeout) =>
        BlockingWaits.Wait(Loop, null, waitHandles, waitAll, millisecondsTimeout);

    public EventLoop Loop { get; }

    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        var item = new WorkItem(d, state, WorkKind.PostCallback);
        if (Loop.IsLoopThread)
            Loop.EnqueueReady(in item);
        else
            Loop.PostFromOtherThread(in item);
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (!Loop.IsLoopThread)
            throw new NotSupportedException("Send to the loop's context from another thread would block; use Post.");
        d(state);
    }

    public override SynchronizationContext CreateCopy() => this;
}
