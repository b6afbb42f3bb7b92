namespace Asyncio;

public sealed partial class EventLoop
{
    /// <summary>The observer that sees every iteration, callback, task step, timer and completion; <see langword="null"/> for none.</summary>
    /// <remarks>
    /// <para>asyncio: no twin. Set it from the loop's thread (or before the loop runs). To attach
    /// several, combine them with <see cref="CompositeObserver"/>.</para>
    /// <para>A hook that throws is reported to the exception handler and the observer is
    /// detached (this property reads <see langword="null"/> again); what it observed goes on as
    /// if no observer had been attached: the step runs, the task finishes.</para>
    /// </remarks>
    public LoopObserver? Observer
    {
        get => (_observer as GuardedObserver)?.Inner;
        set
        {
            CheckThread(nameof(Observer));
            _observer = value is null ? null : new GuardedObserver(this, value);
        }
    }

    /// <summary>A user's observer, called so that an exception from a hook is reported and detaches it instead of escaping into the loop.</summary>
    /// <remarks>
    /// The hooks run inside a task's step, a Future's completion, phase 4 and phase 5: an
    /// exception escaping there would skip the rest of the step (the task would never finish).
    /// </remarks>
    private sealed class GuardedObserver(EventLoop owner, LoopObserver inner) : LoopObserver
    {
        // Set on the first exception: a caller that read the observer before the detach still
        // holds this wrapper (a Future's completion notifies twice), and must reach no one.
        private bool _failed;

        public LoopObserver Inner { get; } = inner;

        private void Failed(Exception exception, string hook)
        {
            _failed = true;
            if (ReferenceEquals(owner._observer, this))
                owner._observer = null;
            owner.CallExceptionHandler(new ExceptionContext(
                $"Exception in loop observer {Inner.GetType().Name}.{hook}; the observer was detached")
            {
                Exception = exception,
            });
        }

        public override void IterationStarted(EventLoop loop, int ready, int timers)
        {
            if (_failed)
                return;
            try
            {
                Inner.IterationStarted(loop, ready, timers);
            }
            catch (Exception exception)
            {
                Failed(exception, nameof(IterationStarted));
            }
        }

        public override void IterationFinished(EventLoop loop, int ran)
        {
            if (_failed)
                return;
            try
            {
                Inner.IterationFinished(loop, ran);
            }
            catch (Exception exception)
            {
                Failed(exception, nameof(IterationFinished));
            }
        }

        public override void CallbackStarting(EventLoop loop, CallbackInfo callback)
        {
            if (_failed)
                return;
            try
            {
                Inner.CallbackStarting(loop, callback);
            }
            catch (Exception exception)
            {
                Failed(exception, nameof(CallbackStarting));
            }
        }

        public override void CallbackFinished(EventLoop loop, CallbackInfo callback)
        {
            if (_failed)
                return;
            try
            {
                Inner.CallbackFinished(loop, callback);
            }
            catch (Exception exception)
            {
                Failed(exception, nameof(CallbackFinished));
            }
        }

        public override void TaskCreated(LoopTask task)
        {
            if (_failed)
                return;
            try
            {
                Inner.TaskCreated(task);
            }
            catch (Exception exception)
            {
                Failed(exception, nameof(TaskCreated));
            }
        }

        public override void TaskResumed(LoopTask task, Future? wokenBy)
        {
            if (_failed)
                return;
            try
            {
                Inner.TaskResumed(task, wokenBy);
            }
            catch (Exception exception)
            {
                Failed(exception, nameof(TaskResumed));
            }
        }

        public override void TaskSuspended(LoopTask task, Future? waitingOn)
        {
            if (_failed)
                return;
            try
            {
                Inner.TaskSuspended(task, waitingOn);
            }
            catch (Exception exception)
            {
                Failed(exception, nameof(TaskSuspended));
            }
        }

        public override void TaskFinished(LoopTask task)
        {
            if (_failed)
                return;
            try
            {
                Inner.TaskFinished(task);
            }
            catch (Exception exception)
            {
                Failed(exception, nameof(TaskFinished));
            }
        }

        public override void TimerArmed(TimerHandle timer)
        {
            if (_failed)
                return;
            try
            {
                Inner.TimerArmed(timer);
            }
            catch (Exception exception)
            {
                Failed(exception, nameof(TimerArmed));
            }
        }

        public override void TimerFired(TimerHandle timer)
        {
            if (_failed)
                return;
            try
            {
                Inner.TimerFired(timer);
            }
            catch (Exception exception)
            {
                Failed(exception, nameof(TimerFired));
            }
        }

        public override void FutureCompleted(Future future)
        {
            if (_failed)
                return;
            try
            {
                Inner.FutureCompleted(future);
            }
            catch (Exception exception)
            {
                Failed(exception, nameof(FutureCompleted));
            }
        }
    }
}
