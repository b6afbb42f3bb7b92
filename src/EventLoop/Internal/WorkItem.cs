namespace Asyncio.Internal;

/// <summary>What a <see cref="WorkItem"/> holds in its <see cref="WorkItem.Callback"/> slot.</summary>
internal enum WorkKind : byte
{
    /// <summary>A public <see cref="Asyncio.Handle"/>: skipped when cancelled.</summary>
    Handle,
    /// <summary>An <see cref="System.Action"/>, usually an <c>await</c> continuation.</summary>
    Action,
    /// <summary>An <see cref="Action{T}"/> of <c>object?</c> with its state.</summary>
    StateAction,
    /// <summary>A <see cref="SendOrPostCallback"/> posted to a loop SynchronizationContext.</summary>
    PostCallback,
    /// <summary>A public done-callback; the state is the Future that completed.</summary>
    DoneCallback,
    /// <summary>An internal <see cref="IFutureListener"/>; the state is the Future that completed.</summary>
    Listener,
    /// <summary>A continuation to post to a foreign SynchronizationContext (the state).</summary>
    ForeignContext,
    /// <summary>The first step of a <see cref="Asyncio.LoopTask"/> (the callback).</summary>
    TaskStart,
}

/// <summary>One entry of the ready queue, and of a Future's done-callback list.</summary>
/// <remarks>
/// A struct so that queueing and dispatching allocate nothing. <see cref="Task"/> is set when
/// the item is a step of a task: dispatch then makes that task current and installs its
/// SynchronizationContext around the call.
/// </remarks>
internal readonly struct WorkItem
{
    public readonly object Callback;
    public readonly object? State;
    public readonly TaskContext? Task;
    public readonly WorkKind Kind;

    public WorkItem(object callback, object? state, TaskContext? task, WorkKind kind)
    {
        Callback = callback;
        State = state;
        Task = task;
        Kind = kind;
    }

    public bool IsEmpty => Callback is null;

    /// <summary>A short description for error reports: asyncio's "callback source".</summary>
    public string Describe() => Kind switch
    {
        WorkKind.Handle => ((Handle)Callback).ToString(),
        WorkKind.TaskStart => ((LoopTask)Callback).ToString(),
        _ => Callback is Delegate d ? Naming.DescribeDelegate(d) : Callback.ToString() ?? "?",
    };
}

/// <summary>Internal done-callback without a delegate allocation (gather, wait, shield).</summary>
internal interface IFutureListener
{
    void OnFutureDone(Future future);
}
