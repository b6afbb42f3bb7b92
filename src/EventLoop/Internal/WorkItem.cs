using System.Runtime.CompilerServices;

namespace Asyncio.Internal;

/// <summary>What a <see cref="WorkItem"/> holds in its <see cref="WorkItem.Callback"/> and <see cref="WorkItem.State"/> slots.</summary>
/// <remarks>The kinds from <see cref="TaskStart"/> on are steps of a task: their state is the task's <see cref="TaskContext"/>.</remarks>
internal enum WorkKind : byte
{
    /// <summary>A public <see cref="Asyncio.Handle"/>: skipped when cancelled.</summary>
    Handle,
    /// <summary>An <see cref="System.Action"/>, usually an <c>await</c> continuation outside any task.</summary>
    Action,
    /// <summary>An <see cref="Action{T}"/> of <c>object?</c> with its state.</summary>
    StateAction,
    /// <summary>A <see cref="SendOrPostCallback"/> posted to the loop's SynchronizationContext, with its state.</summary>
    PostCallback,
    /// <summary>A public done-callback; the state is the Future that completed.</summary>
    DoneCallback,
    /// <summary>An internal <see cref="IFutureListener"/>; the state is the Future that completed.</summary>
    Listener,
    /// <summary>A continuation to post to a foreign SynchronizationContext (the state).</summary>
    ForeignContext,
    /// <summary>A task's first step: the callback is the <see cref="Asyncio.LoopTask"/>.</summary>
    TaskStart,
    /// <summary>A task's <c>await</c> continuation (an <see cref="System.Action"/>).</summary>
    TaskAction,
    /// <summary>A callback posted to a task's SynchronizationContext: a <see cref="PostedCallback"/>.</summary>
    TaskPost,
    /// <summary>An async method's state machine, posted to a task's SynchronizationContext by <c>await Task.Yield()</c>: run by <see cref="ContinuationCallbacks.StateMachineRunner"/>.</summary>
    TaskStateMachine,
    /// <summary>Internal work run as a step of a task without a delegate: an <see cref="ITaskStep"/>.</summary>
    TaskStep,
}

/// <summary>One entry of the ready queue, and of a Future's done-callback list.</summary>
/// <remarks>
/// A struct of two references and a kind (24 bytes), so that queueing and dispatching allocate
/// nothing and copy little: every reference stored into the ready queue's array costs a GC write
/// barrier. A step of a task carries the task's context in <see cref="State"/>: dispatch then
/// makes that task current and installs its SynchronizationContext (both left in place
/// for the task's next step; see <c>EventLoop.LeaveTask</c>).
/// </remarks>
internal readonly struct WorkItem
{
    public readonly object Callback;
    public readonly object? State;
    public readonly WorkKind Kind;

    public WorkItem(object callback, object? state, WorkKind kind)
    {
        Callback = callback;
        State = state;
        Kind = kind;
    }

    /// <summary>A step of the task whose context this is.</summary>
    public static WorkItem Step(object callback, TaskContext context, WorkKind kind) => new(callback, context, kind);

    public bool IsEmpty => Callback is null;

    /// <summary>Whether this is a step of a task (then <see cref="State"/> is its context).</summary>
    public bool IsTaskStep => Kind >= WorkKind.TaskStart;

    /// <summary>The context of the task this is a step of, or null for a plain callback.</summary>
    public TaskContext? Task => IsTaskStep ? Unsafe.As<TaskContext>(State) : null;

    /// <summary>A short description for error reports: asyncio's "callback source".</summary>
    public string Describe() => Kind switch
    {
        WorkKind.Handle => ((Handle)Callback).ToString(),
        WorkKind.TaskStart => ((LoopTask)Callback).ToString(),
        WorkKind.TaskPost => Naming.DescribeDelegate(((PostedCallback)Callback).Callback),
        WorkKind.TaskStateMachine => Naming.DescribeDelegate(ContinuationCallbacks.StateMachineRunner!),
        WorkKind.DoneCallback or WorkKind.StateAction => Naming.DescribeCall((Delegate)Callback, State),
        // As asyncio shows a done-callback with its future: _run_until_complete_cb(<Task ...>).
        WorkKind.Listener => ((IFutureListener)Callback).CallbackName + "(" + Naming.Repr(State) + ")",
        _ => Callback is Delegate d ? Naming.DescribeDelegate(d) : Callback.ToString() ?? "?",
    };
}

/// <summary>A callback and its state posted to a task's SynchronizationContext (the work item's state slot holds the task).</summary>
internal sealed class PostedCallback(SendOrPostCallback callback, object? state)
{
    public SendOrPostCallback Callback { get; } = callback;

    public void Run() => Callback(state);
}

/// <summary>Internal work that runs as a step of a task, without a delegate (a queue's waiter resuming its caller).</summary>
internal interface ITaskStep
{
    void RunStep();
}

/// <summary>Internal done-callback without a delegate allocation (gather, wait, shield).</summary>
internal interface IFutureListener
{
    void OnFutureDone(Future future);

    /// <summary>The name reports and traces show for this callback: asyncio's name for its twin where there is one, else the type's.</summary>
    string CallbackName => Naming.TypeName(GetType());
}
