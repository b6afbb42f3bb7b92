using Asyncio.Internal;

namespace Asyncio;

/// <summary>Sees inside the loop: iterations, callbacks, task steps, timers and Futures, as they happen.</summary>
/// <remarks>
/// <para>asyncio: no twin (the nearest are <c>sys.monitoring</c> and asyncio's debug logging).</para>
/// <para>Attach one with <see cref="EventLoop.Observer"/>; override what you need, every method
/// does nothing by default. All calls come on the loop's thread, synchronously, in the order
/// the events happen. A hook that throws is reported to the loop's exception handler and
/// detaches the observer; the loop goes on as if it had not been attached (the step it
/// observed still runs). With no observer attached, the loop pays one null check per event.</para>
/// </remarks>
public abstract class LoopObserver
{
    /// <summary>An iteration is about to run its <paramref name="ready"/> callbacks (phase 5), with <paramref name="timers"/> timers pending.</summary>
    public virtual void IterationStarted(EventLoop loop, int ready, int timers) { }

    /// <summary>The iteration ran <paramref name="ran"/> callbacks.</summary>
    public virtual void IterationFinished(EventLoop loop, int ran) { }

    /// <summary>A callback or task step is about to run.</summary>
    public virtual void CallbackStarting(EventLoop loop, CallbackInfo callback) { }

    /// <summary>The callback or task step returned (or threw; the exception handler has been told).</summary>
    public virtual void CallbackFinished(EventLoop loop, CallbackInfo callback) { }

    /// <summary>A task was created; its first step is queued.</summary>
    public virtual void TaskCreated(LoopTask task) { }

    /// <summary>A step of <paramref name="task"/> begins; <paramref name="wokenBy"/> is the Future it had awaited, if any.</summary>
    public virtual void TaskResumed(LoopTask task, Future? wokenBy) { }

    /// <summary>A step of <paramref name="task"/> ended with the task still pending; <paramref name="waitingOn"/> is the loop Future it awaits, if any.</summary>
    public virtual void TaskSuspended(LoopTask task, Future? waitingOn) { }

    /// <summary>The task finished: result, exception or cancellation.</summary>
    public virtual void TaskFinished(LoopTask task) { }

    /// <summary>A timer was scheduled (<see cref="EventLoop.CallLater(double, Action)"/>, <see cref="EventLoop.CallAt(double, Action)"/>, a sleep).</summary>
    public virtual void TimerArmed(TimerHandle timer) { }

    /// <summary>A timer came due and moved to the ready queue (phase 4).</summary>
    public virtual void TimerFired(TimerHandle timer) { }

    /// <summary>A Future (or task) completed; its done-callbacks are queued.</summary>
    public virtual void FutureCompleted(Future future) { }
}

/// <summary>What is about to run, as seen by a <see cref="LoopObserver"/>.</summary>
public readonly struct CallbackInfo
{
    private readonly WorkItem _item;

    internal CallbackInfo(in WorkItem item) => _item = item;

    /// <summary>The ready item itself, for the library's own observers.</summary>
    internal WorkItem Item => _item;

    /// <summary>The task this is a step of, or <see langword="null"/> for a plain callback.</summary>
    public LoopTask? Task => _item.Task?.Task;

    /// <summary>The handle of a callback scheduled with <c>CallSoon</c>/<c>CallLater</c>/<c>CallAt</c>, if it is one.</summary>
    public Handle? Handle => _item.Kind == WorkKind.Handle ? (Handle)_item.Callback : null;

    /// <summary>A short description: the callback's name, or the task's repr.</summary>
    public string Description => _item.Task is { } t ? t.Task.ToString() : _item.Describe();
}

/// <summary>Several observers as one: each event goes to each, in the order given.</summary>
/// <remarks>asyncio: no twin. For example a trace recorder and metrics on the same loop.</remarks>
public sealed class CompositeObserver : LoopObserver
{
    private readonly LoopObserver[] _observers;

    /// <summary>Combines <paramref name="observers"/>; each event reaches them in this order.</summary>
    public CompositeObserver(params LoopObserver[] observers)
    {
        ArgumentNullException.ThrowIfNull(observers);
        foreach (var observer in observers)
            ArgumentNullException.ThrowIfNull(observer, nameof(observers));
        _observers = (LoopObserver[])observers.Clone();
    }

    /// <inheritdoc/>
    public override void IterationStarted(EventLoop loop, int ready, int timers) { foreach (var o in _observers) o.IterationStarted(loop, ready, timers); }

    /// <inheritdoc/>
    public override void IterationFinished(EventLoop loop, int ran) { foreach (var o in _observers) o.IterationFinished(loop, ran); }

    /// <inheritdoc/>
    public override void CallbackStarting(EventLoop loop, CallbackInfo callback) { foreach (var o in _observers) o.CallbackStarting(loop, callback); }

    /// <inheritdoc/>
    public override void CallbackFinished(EventLoop loop, CallbackInfo callback) { foreach (var o in _observers) o.CallbackFinished(loop, callback); }

    /// <inheritdoc/>
    public override void TaskCreated(LoopTask task) { foreach (var o in _observers) o.TaskCreated(task); }

    /// <inheritdoc/>
    public override void TaskResumed(LoopTask task, Future? wokenBy) { foreach (var o in _observers) o.TaskResumed(task, wokenBy); }

    /// <inheritdoc/>
    public override void TaskSuspended(LoopTask task, Future? waitingOn) { foreach (var o in _observers) o.TaskSuspended(task, waitingOn); }

    /// <inheritdoc/>
    public override void TaskFinished(LoopTask task) { foreach (var o in _observers) o.TaskFinished(task); }

    /// <inheritdoc/>
    public override void TimerArmed(TimerHandle timer) { foreach (var o in _observers) o.TimerArmed(timer); }

    /// <inheritdoc/>
    public override void TimerFired(TimerHandle timer) { foreach (var o in _observers) o.TimerFired(timer); }

    /// <inheritdoc/>
    public override void FutureCompleted(Future future) { foreach (var o in _observers) o.FutureCompleted(future); }
}
