using System.Runtime.ExceptionServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>Tasks that live and die together: asyncio's <c>TaskGroup</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>async with asyncio.TaskGroup() as tg:</c>, written
/// <c>await loop.TaskGroup(async tg =&gt; { tg.CreateTask(...); })</c>.</para>
/// <para>The body and every task created in the group are awaited before the call returns.
/// The first task to fail cancels the other tasks and the body (the parent task); the
/// failures then come out together as an <see cref="AggregateException"/> ("unhandled errors
/// in a TaskGroup"), asyncio's <c>ExceptionGroup</c>. A cancellation of the parent from outside
/// cancels the group's tasks and still propagates; the group's own cancellation of the parent
/// is withdrawn with <see cref="LoopTask.Uncancel"/>, so an outer timeout keeps working.</para>
/// <para>Differs from asyncio: on abort, tasks are cancelled in creation order (asyncio walks a set).</para>
/// </remarks>
public sealed class TaskGroup : IFutureListener
{
    private readonly EventLoop _loop;
    private readonly LinkedList<LoopTask> _tasks = new();
    private readonly Dictionary<LoopTask, LinkedListNode<LoopTask>> _nodes = new(ReferenceEqualityComparer.Instance);
    private readonly List<Exception> _errors = [];
    private bool _entered;
    private bool _exiting;
    private bool _aborting;
    private LoopTask? _parentTask;
    private bool _parentCancelRequested;
    private Future<bool>? _onCompleted;

    internal TaskGroup(EventLoop loop) => _loop = loop;

    /// <summary>Creates a task in this group: asyncio's <c>tg.create_task(coro, name=)</c>.</summary>
    /// <exception cref="InvalidOperationException">The group has not been entered, is finished, or is shutting down.</exception>
    /// <remarks>When <paramref name="cancellationToken"/> fires, from any thread, the task is cancelled (asyncio's <c>task.cancel()</c>), which does not abort the group.</remarks>
    public LoopTask CreateTask(Func<Task> coroutine, string? name = null, CancellationToken cancellationToken = default) =>
        Add(_loop.CreateTask(Checked(coroutine), name, cancellationToken));

    /// <summary>Creates a task with a result in this group: asyncio's <c>tg.create_task(coro, name=)</c>.</summary>
    /// <exception cref="InvalidOperationException">The group has not been entered, is finished, or is shutting down.</exception>
    /// <remarks>When <paramref name="cancellationToken"/> fires, the task is cancelled.</remarks>
    public LoopTask<T> CreateTask<T>(Func<Task<T>> coroutine, string? name = null, CancellationToken cancellationToken = default) =>
        Add(_loop.CreateTask(Checked(coroutine), name, cancellationToken));

    /// <summary>Creates a task over a coroutine in this group: asyncio's <c>tg.create_task(coro(), name=)</c>.</summary>
    /// <exception cref="InvalidOperationException">The group has not been entered, is finished, or is shutting down; or the coroutine is a default value.</exception>
    /// <remarks>When <paramref name="cancellationToken"/> fires, the task is cancelled.</remarks>
    public LoopTask CreateTask(Coroutine coroutine, string? name = null, CancellationToken cancellationToken = default)
    {
        Checked(coroutine.Core);
        return Add(_loop.CreateTask(coroutine, name, cancellationToken));
    }

    /// <summary>Creates a task over a coroutine with a result in this group: asyncio's <c>tg.create_task(coro(), name=)</c>.</summary>
    /// <exception cref="InvalidOperationException">The group has not been entered, is finished, or is shutting down; or the coroutine is a default value.</exception>
    /// <remarks>When <paramref name="cancellationToken"/> fires, the task is cancelled.</remarks>
    public LoopTask<T> CreateTask<T>(Coroutine<T> coroutine, string? name = null, CancellationToken cancellationToken = default)
    {
        Checked(coroutine.Core);
        return Add(_loop.CreateTask(coroutine, name, cancellationToken));
    }

    /// <summary>asyncio's repr: <c>&lt;TaskGroup tasks=2 entered&gt;</c>.</summary>
    public override string ToString()
    {
        var info = new List<string>();
        if (_tasks.Count > 0) info.Add($"tasks={_tasks.Count}");
        if (_errors.Count > 0) info.Add($"errors={_errors.Count}");
        if (_aborting) info.Add("cancelling");
        else if (_entered) info.Add("entered");
        return info.Count == 0 ? "<TaskGroup>" : "<TaskGroup " + string.Join(" ", info) + ">";
    }

    private TCoroutine Checked<TCoroutine>(TCoroutine coroutine) where TCoroutine : class
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        if (!_entered)
            throw new InvalidOperationException($"TaskGroup {this} has not been entered");
        if (_exiting && _tasks.Count == 0)
            throw new InvalidOperationException($"TaskGroup {this} is finished");
        if (_aborting)
            throw new InvalidOperationException($"TaskGroup {this} is shutting down");
        return coroutine;
    }

    private TTask Add<TTask>(TTask task) where TTask : LoopTask
    {
        // asyncio 3.12 (taskgroups.py, create_task): a task already done (it finished in its
        // eager step) is handled at once rather than by a done-callback in the next iteration:
        // one that failed aborts the group inside CreateTask.
        if (task.Done)
        {
            ((IFutureListener)this).OnFutureDone(task);
            return task;
        }
        _nodes.Add(task, _tasks.AddLast(task));
        task.AddListener(this);
        return task;
    }

    internal void Enter()
    {
        if (_entered)
            throw new InvalidOperationException($"TaskGroup {this} has already been entered");
        _parentTask = _loop.CurrentTask ?? throw new InvalidOperationException($"TaskGroup {this} cannot determine the parent task");
        _entered = true;
    }

    /// <summary>asyncio's <c>__aexit__</c>: waits for every task, then throws what the group must throw; returns when the body's own outcome stands.</summary>
    internal async Task ExitAsync(Exception? bodyError)
    {
        _exiting = true;
        Exception? propagateCancellation = bodyError as OperationCanceledException;
        if (_parentCancelRequested && _parentTask!.Uncancel() == 0)
            propagateCancellation = null;
        if (bodyError is not null && !_aborting)
            Abort();
        while (_tasks.Count > 0)
        {
            _onCompleted ??= _loop.CreateFuture<bool>();
            try
            {
                await _onCompleted;
            }
            catch (CancelledError cancelled)
            {
                if (!_aborting)
                {
                    propagateCancellation = cancelled;
                    Abort();
                }
            }
            _onCompleted = null;
        }
        if (propagateCancellation is not null && _errors.Count == 0)
            ExceptionDispatchInfo.Throw(propagateCancellation);
        if (bodyError is not null && bodyError is not OperationCanceledException)
            _errors.Add(bodyError);
        if (_errors.Count > 0)
            throw new AggregateException("unhandled errors in a TaskGroup", _errors);
    }

    private void Abort()
    {
        _aborting = true;
        foreach (var task in _tasks)
        {
            if (!task.Done)
                task.Cancel();
        }
    }

    /// <summary>asyncio's <c>_on_task_done</c>.</summary>
    string IFutureListener.CallbackName => "TaskGroup._on_task_done";

    void IFutureListener.OnFutureDone(Future future)
    {
        var task = (LoopTask)future;
        if (_nodes.Remove(task, out var node))
            _tasks.Remove(node);
        if (_onCompleted is not null && _tasks.Count == 0 && !_onCompleted.Done)
            _onCompleted.SetResult(true);
        if (task.Cancelled)
            return;
        var error = task.Exception();
        if (error is null)
            return;
        _errors.Add(error);
        if (_parentTask!.Done)
        {
            _loop.CallExceptionHandler(new ExceptionContext(
                $"Task {task} has errored out but its parent task {_parentTask} is already completed")
            {
                Exception = error,
                Task = task,
            });
            return;
        }
        if (!_aborting && !_parentCancelRequested)
        {
            Abort();
            _parentCancelRequested = true;
            _parentTask.Cancel();
        }
    }
}
