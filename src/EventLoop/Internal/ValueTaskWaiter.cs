using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Sources;

namespace Asyncio.Internal;

/// <summary>One wait in a primitive's line that its caller awaits as a <see cref="ValueTask{TResult}"/>: the loop Future the task waits on and the source of that ValueTask, in one object.</summary>
/// <remarks>
/// <para>asyncio's <c>acquire()</c>, <c>put()</c> and <c>get()</c> are coroutines that await a
/// Future in a line, then do a little bookkeeping. Written as C# <c>async</c> methods, each wait
/// costs a state machine box, its continuation delegate and a task continuation besides the
/// Future. Here the wait is this object instead: the Future in the line (so cancellation, dumps
/// and the one-iteration wake-up are those of any loop Future) and the
/// <see cref="IValueTaskSource{TResult}"/> behind the ValueTask returned to the caller.</para>
/// <para>A subclass awaits a Future (<see cref="Await"/>, usually itself, as the coroutine did at
/// its <c>await</c>): inside a task, <see cref="Resume"/> then becomes that task's next step
/// once the Future is done, and does what the coroutine does after its <c>await</c>, ending
/// with <see cref="Succeed"/> or <see cref="Fail"/>. That completes the ValueTask and, in the
/// same step, resumes the caller awaiting it (posted instead when the caller awaits from
/// another context).</para>
/// <para>Invariant: <see cref="_completed"/> turns true once; until then the ValueTask is
/// pending, even after the Future is done. A ValueTask may be awaited once, so the token is
/// always 0.</para>
/// </remarks>
internal abstract class ValueTaskWaiter<TResult> : WaiterFuture, IValueTaskSource<TResult>, IValueTaskSource, ITaskStep
{
    private static readonly SendOrPostCallback s_runContinuation = static state => ((ValueTaskWaiter<TResult>)state!).RunContinuation();

    private bool _completed;
    // The ValueTask's result once completed; before that, the subclass's to use (a queue
    // putter keeps its item here until it is put), so that a waiter holds one TResult, not two.
    private TResult _result = default!;
    // Before completion, the registration of a token that can fire (boxed: only such waits pay
    // for it); after, the error, if any. One field for both keeps a queue's waiter at 136 bytes.
    private object? _errorOrToken;
    // The caller's await: its continuation, and the context to run it in (null: inline).
    private Action<object?>? _continuation;
    private object? _continuationState;
    private SynchronizationContext? _continuationContext;

    protected ValueTaskWaiter(EventLoop loop) : base(loop)
    {
    }

    /// <summary>What the coroutine does after its <c>await</c>; ends with <see cref="Succeed"/> or <see cref="Fail"/>, or awaits again.</summary>
    protected abstract void Resume();

    void ITaskStep.RunStep() => Resume();

    /// <summary>What <c>await future</c> does, with <see cref="Resume"/> as the continuation: inside a task of this loop, the task waits on <paramref name="future"/> (so cancelling the task cancels it).</summary>
    protected void Await(Future<bool> future) => future.OnAwait(this);

    /// <summary>Makes <paramref name="token"/> cancel this wait (see <see cref="TokenCancellation"/>); nothing when it cannot fire.</summary>
    protected void CancelWhen(CancellationToken token)
    {
        if (token.CanBeCanceled)
            _errorOrToken = new ArmedToken { Registration = TokenCancellation.Register(this, token) };
    }

    private sealed class ArmedToken
    {
        public CancellationTokenRegistration Registration;
    }

    // Meaningful once completed: null or the Exception.
    private Exception? Error => Unsafe.As<Exception?>(_errorOrToken);

    /// <summary>The result slot, for the subclass to use until the waiter completes.</summary>
    protected ref TResult ResultSlot => ref _result;

    /// <summary>Completes the caller's ValueTask with <paramref name="result"/>.</summary>
    protected void Succeed(TResult result)
    {
        _result = result;
        Complete(null);
    }

    /// <summary>Completes the caller's ValueTask with <paramref name="error"/>, thrown at its <c>await</c>.</summary>
    protected void Fail(Exception error) => Complete(error);

    private void Complete(Exception? error)
    {
        // Unregister rather than Dispose: a token firing on another thread right now only posts a
        // cancellation, which finds this wait done; the loop thread must not wait for it.
        if (_errorOrToken is ArmedToken armed)
            armed.Registration.Unregister();
        _errorOrToken = error;
        _completed = true;
        if (_continuation is null)
            return; // not awaited yet: the caller finds the ValueTask completed
        if (_continuationContext is { } context && !ReferenceEquals(context, SynchronizationContext.Current))
            context.Post(s_runContinuation, this);
        else
            RunContinuation();
    }

    private void RunContinuation()
    {
        var continuation = _continuation!;
        var state = _continuationState;
        _continuation = null;
        _continuationState = null;
        _continuationContext = null;
        continuation(state);
    }

    public ValueTaskSourceStatus GetStatus(short token)
    {
        if (!_completed)
            return ValueTaskSourceStatus.Pending;
        return Error switch
        {
            null => ValueTaskSourceStatus.Succeeded,
            OperationCanceledException => ValueTaskSourceStatus.Canceled,
            _ => ValueTaskSourceStatus.Faulted,
        };
    }

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        if (Loop.IsRunningElsewhere)
        {
            // Awaited from another thread: the fields below are the loop thread's, so the
            // registration is done there, and the caller resumes on its own side (ForeignAwait).
            var registration = new ForeignRegistration(this, continuation, state, ForeignAwait.CaptureTarget());
            if (Loop.IsClosed)
            {
                registration.ResumeNow();
                return;
            }
            Loop.PostFromOtherThread(new WorkItem(ForeignRegistration.Register, registration, WorkKind.StateAction));
            return;
        }
        Register(continuation, state, (flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0 ? SynchronizationContext.Current : null);
    }

    private void Register(Action<object?> continuation, object? state, SynchronizationContext? context)
    {
        if (_continuation is not null)
            throw new InvalidOperationException($"The ValueTask of a wait on {Owner} can be awaited only once.");
        _continuation = continuation;
        _continuationState = state;
        _continuationContext = context;
        if (_completed)
            Complete(Error); // completed in between (only when awaited from another thread)
    }

    /// <summary>An await of the ValueTask from a thread that is not the loop's, carried to the loop thread.</summary>
    private sealed class ForeignRegistration
    {
        public static readonly Action<object?> Register = static s => ((ForeignRegistration)s!).RegisterOnLoop();

        private readonly ValueTaskWaiter<TResult> _waiter;
        private readonly Action<object?> _continuation;
        private readonly object? _state;
        private readonly SynchronizationContext _target;

        public ForeignRegistration(ValueTaskWaiter<TResult> waiter, Action<object?> continuation, object? state, SynchronizationContext target)
        {
            _waiter = waiter;
            _continuation = continuation;
            _state = state;
            _target = target;
        }

        private void RegisterOnLoop() => _waiter.Register(_continuation, _state, _target);

        /// <summary>Resumes the awaiter at once: the loop is closed, the wait can never end; its GetResult says so.</summary>
        public void ResumeNow() => _target.Post(static s => ((ForeignRegistration)s!).Run(), this);

        private void Run() => _continuation(_state);
    }

    public TResult GetResult(short token)
    {
        if (!_completed)
            throw new InvalidOperationException(Loop.IsClosed
                ? $"The wait on {Owner} can never complete: {ThrowHelper.ClosedMessage}."
                : $"The ValueTask of a wait on {Owner} has not completed yet.");
        if (Error is { } error)
            ExceptionDispatchInfo.Throw(error);
        var result = _result;
        _result = default!;
        return result;
    }

    void IValueTaskSource.GetResult(short token) => GetResult(token);
}
