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
/// <para>As an object (<see cref="StructuredConcurrency.CreateTaskGroup"/>): <see cref="EnterAsync"/> and
/// <see cref="ExitAsync(Exception?)"/> are asyncio's <c>__aenter__</c> and <c>__aexit__</c>, for a
/// <c>try</c>/<c>catch</c> that hands the body's exception to the exit; <see cref="DisposeAsync"/>
/// exits when <c>await using</c> ends the block, which cannot see that exception (see there).</para>
/// <para>Differs from asyncio: on abort, tasks are cancelled in creation order (asyncio walks a set).</para>
/// </remarks>
public sealed class TaskGroup : IFutureListener, IAsyncDisposable
{
    private readonly EventLoop _loop;
    private readonly LinkedList<LoopTask> _tasks = new();
    private readonly Dictionary<LoopTask, LinkedListNode<LoopTask>> _nodes = new(ReferenceEqualityComparer.Instance);
    private readonly List<Exception> _errors = [];
    private bool _entered;
    private bool _exiting;
    // Set when an exit begins, by ExitAsync or DisposeAsync: a second exit is refused, a dispose after an exit does nothing.
    private bool _exitStarted;
    private bool _aborting;
    private LoopTask? _parentTask;
    private bool _parentCancelRequested;
    // The parent's count of cancellation requests when the group was entered: DisposeAsync reads
    // a count above it as a cancellation that ended the body (as a timeout scope reads its own).
    private int _cancellingAtEnter;
    private Future<bool>? _onCompleted;

    internal TaskGroup(EventLoop loop) => _loop = loop;

    /// <summary>Enters the group in the current task, which becomes its parent: asyncio's <c>await tg.__aenter__()</c>.</summary>
    /// <returns>This group, already entered (the call does not suspend), as <c>async with TaskGroup() as tg</c> binds it.</returns>
    /// <exception cref="InvalidOperationException">"TaskGroup &lt;TaskGroup entered&gt; has already been entered" (a group is entered once, even after it exited); "… cannot determine the parent task" outside a task; or called from another thread while the loop runs.</exception>
    public ValueTask<TaskGroup> EnterAsync()
    {
        _loop.CheckThread(nameof(EnterAsync));
        EnterCore();
        return new ValueTask<TaskGroup>(this);
    }

    /// <summary>Leaves the group: asyncio's <c>await tg.__aexit__(type(e), e, tb)</c>, with the exception that ended the body (<see langword="null"/> when the body finished).</summary>
    /// <remarks>
    /// <para>Waits for every task of the group. An <paramref name="exception"/> aborts the group
    /// first (its tasks are cancelled). Then throws what asyncio's <c>__aexit__</c> raises: an
    /// <see cref="AggregateException"/> ("unhandled errors in a TaskGroup") of the tasks' errors
    /// and the body's (unless that is a cancellation); or a cancellation of the parent from
    /// outside. Returns when the body's own outcome stands: the caller then rethrows
    /// <paramref name="exception"/>, as <c>async with</c> does when <c>__aexit__</c> returns
    /// <see langword="None"/>.</para>
    /// <code>
    /// var tg = await loop.CreateTaskGroup().EnterAsync();
    /// try { tg.CreateTask(() =&gt; WorkAsync()); await OtherAsync(); }
    /// catch (Exception e) { await tg.ExitAsync(e); throw; }
    /// await tg.ExitAsync(null);
    /// </code>
    /// <para>Differs from asyncio: leaving a group never entered throws "TaskGroup &lt;TaskGroup&gt; has not
    /// been entered" (asyncio 3.12 returns and marks the group finished); leaving twice throws
    /// "TaskGroup … is finished" (asyncio returns).</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The group was not entered, or was left before; or called from another thread while the loop runs.</exception>
    public ValueTask ExitAsync(Exception? exception)
    {
        _loop.CheckThread(nameof(ExitAsync));
        if (!_entered)
            ThrowHelper.TaskGroupNotEntered(this);
        if (_exitStarted)
            ThrowHelper.TaskGroupFinished(this);
        return new ValueTask(ExitAsync(exception, outcomeKnown: true));
    }

    /// <summary>Leaves the group at the end of an <c>await using</c> block: <see cref="ExitAsync(Exception?)"/> without the body's exception, which <c>await using</c> does not pass on.</summary>
    /// <remarks>
    /// <para>Does nothing for a group never entered or already left (by <see cref="ExitAsync(Exception?)"/>).</para>
    /// <para>An exception leaving the block is not seen here, so it does not abort the group as
    /// <c>__aexit__</c> would: the group waits for its tasks, then the exception goes on (or the
    /// group's <see cref="AggregateException"/> replaces it, without it). One case is read from
    /// the parent task instead: while a cancellation of it is outstanding
    /// (<see cref="LoopTask.Cancelling"/> above its count when the group was entered, once the
    /// group's own request is withdrawn),
    /// the body is taken to have ended with that cancellation, and the group aborts and rethrows
    /// it, as asyncio does. To give the exit the body's exception, call
    /// <see cref="ExitAsync(Exception?)"/> in a <c>catch</c> (this then does nothing), or use
    /// <see cref="StructuredConcurrency.TaskGroup(EventLoop, Func{TaskGroup, Task}, CancellationToken)"/>.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public ValueTask DisposeAsync()
    {
        _loop.CheckThread(nameof(DisposeAsync));
        if (!_entered || _exitStarted)
            return default;
        return new ValueTask(ExitAsync(null, outcomeKnown: false));
    }

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
            ThrowHelper.TaskGroupNotEntered(this);
        if (_exiting && _tasks.Count == 0)
            ThrowHelper.TaskGroupFinished(this);
        if (_aborting)
            ThrowHelper.TaskGroupShuttingDown(this);
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

    internal void EnterCore()
    {
        if (_entered)
            ThrowHelper.TaskGroupAlreadyEntered(this);
        _parentTask = _loop.CurrentTask ?? throw ThrowHelper.TaskGroupNoParentTaskError(this);
        _cancellingAtEnter = _parentTask.Cancelling;
        _entered = true;
    }

    // asyncio's __aexit__: waits for every task, then throws what the group must throw; returns when the body's own outcome stands.
    private async Task ExitAsync(Exception? bodyError, bool outcomeKnown)
    {
        _exitStarted = true;
        _exiting = true;
        Exception? propagateCancellation = bodyError as OperationCanceledException;
        if (_parentCancelRequested && _parentTask!.Uncancel() == 0)
            propagateCancellation = null;
        if (!outcomeKnown && _parentTask!.Cancelling > _cancellingAtEnter)
        {
            // await using: a cancellation still requested is taken as what ended the body.
            bodyError = propagateCancellation = _parentTask.MakeCancelledError();
        }
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
        {
            // asyncio drops its list once the group is raised (self._errors = None): the repr of
            // a group left with errors shows none.
            var group = new AggregateException("unhandled errors in a TaskGroup", _errors.ToArray());
            _errors.Clear();
            throw group;
        }
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
