using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Asyncio.Internal;

/// <summary>The object behind a <see cref="Coroutine"/>: the boxed state machine of an <c>async Coroutine</c> method, and its outcome.</summary>
/// <remarks>
/// <para>Python's coroutine object. Calling the method only boxes its state machine; the body
/// first runs when the coroutine is awaited (inline, in the awaiting task's step) or when a task
/// takes it (in the task's first step). It runs once: a second start throws as Python's
/// <c>RuntimeError</c> does.</para>
/// <para>Why a box of our own rather than .NET's: a task over an <c>async Task</c> method holds
/// four objects (the task, its context, .NET's Task box, and the delegate .NET makes for any
/// awaiter it does not know). Here the box is also what the loop queues as the task's next
/// step (<see cref="ITaskStep"/>), so an await of a loop Future, a sleep or another coroutine
/// needs no delegate, and the box carries no Task machinery: a spawned task is three objects.</para>
/// </remarks>
internal abstract class CoroutineCore : ITaskStep, IAwaitTarget
{
    // What runs when the coroutine finishes: the box of the coroutine awaiting it (resumed
    // inline, as Python's await of a coroutine), or a delegate from any other awaiter.
    private object? _continuation;
    private Exception? _exception;
    // The ExecutionContext at the last suspension, so that AsyncLocal values set in the body
    // flow to its next step, as they do in an async Task method.
    private ExecutionContext? _context;
    // Made the first time the body awaits something that only takes a delegate (a .NET Task).
    private Resumer? _resumer;
    // Invariant: the body runs only from Created (the start) or Suspended (a resumption), and
    // suspends or finishes only while Running; Finished and Closed are final.
    private State _state;

    [Conditional("DEBUG")]
    private void AssertState(bool holds, string transition) =>
        Debug.Assert(holds, $"coroutine {this}: {transition} in state {_state}");

    private enum State : byte
    {
        Created,   // not started: Python's CORO_CREATED
        Running,   // in MoveNext
        Suspended, // at an await
        Finished,  // returned or threw
        Closed,    // its task was cancelled before it started: it never runs
    }

    /// <summary>Whether a task was made over this coroutine (so that gather can map a second mention of it to that task, as asyncio's <c>arg_to_fut</c>).</summary>
    /// <remarks>Beside <see cref="_state"/>, in what would be padding: no byte is added to the box.</remarks>
    public bool TakenByTask { get; set; }

    /// <summary>Whether the body has returned or thrown (or will never run).</summary>
    public bool IsCompleted => _state >= State.Finished;

    /// <summary>What the body threw, once <see cref="IsCompleted"/>; null when it returned.</summary>
    public Exception? Exception => _exception;

    /// <summary>The method's name, for reprs: the state machine's type is named after it.</summary>
    public abstract string MethodName { get; }

    private protected abstract void MoveNext();

    /// <summary>Runs the body up to its first suspension: Python's first <c>coro.send(None)</c>.</summary>
    /// <exception cref="InvalidOperationException">The coroutine was started before.</exception>
    public void Start()
    {
        if (WhyNotStartable is { } error)
            throw new InvalidOperationException(error);
        // Each await of a coroutine that has not started nests its body inside the awaiter's
        // step: throw, as Python's RecursionError, rather than overflow the stack and end the
        // process.
        RuntimeHelpers.EnsureSufficientExecutionStack();
        Run();
    }

    /// <summary>Starts the body as the first step of its task, where the stack was checked already.</summary>
    /// <remarks>
    /// A queued first step runs on the loop's shallow stack; an eager one only after
    /// <c>EventLoop.Schedule</c> found the stack's reserve intact. Checking again here, a few
    /// frames deeper, could fail where that check passed, and throw out of <c>CreateTask</c> into
    /// the creator instead of queueing the task.
    /// </remarks>
    public void StartAsTaskStep()
    {
        Debug.Assert(WhyNotStartable is null, "the task checked that the coroutine can start");
        Run();
    }

    /// <summary>Why <see cref="Start"/> would throw (Python's <c>RuntimeError</c> messages), or null when it can start.</summary>
    public string? WhyNotStartable => _state switch
    {
        State.Created => null,
        State.Running or State.Suspended => ThrowHelper.CoroutineRunningMessage,
        _ => ThrowHelper.CoroutineReusedMessage,
    };

    /// <summary>Marks a coroutine that will never run (its task was cancelled first); a later await of it throws.</summary>
    public void Close()
    {
        if (_state == State.Created)
            _state = State.Closed;
    }

    void ITaskStep.RunStep() => Run();

    /// <summary>Runs the body from where it is suspended, in the ExecutionContext it suspended in.</summary>
    /// <remarks>
    /// As .NET's builders do, what the body changes of the thread's contexts (an AsyncLocal set,
    /// a SynchronizationContext installed) does not outlive the step. Usually the context it
    /// suspended in is the thread's already (one reference compare), and the two are put back
    /// here only if the body changed them; otherwise <see cref="ExecutionContext.Run"/> switches
    /// and puts back both itself.
    /// </remarks>
    private void Run()
    {
        AssertState(_state is State.Created or State.Suspended, "run");
        _state = State.Running;
        var current = ExecutionContext.Capture();
        var context = _context;
        if (context is not null && !ReferenceEquals(context, current))
        {
            _context = null;
            ExecutionContext.Run(context, s_moveNext, this);
            return;
        }
        var synchronizationContext = SynchronizationContext.Current;
        MoveNext();
        if (!ReferenceEquals(SynchronizationContext.Current, synchronizationContext))
            SynchronizationContext.SetSynchronizationContext(synchronizationContext);
        if (current is not null && !ReferenceEquals(ExecutionContext.Capture(), current))
            ExecutionContext.Restore(current);
    }

    private static readonly ContextCallback s_moveNext = static box => ((CoroutineCore)box!).MoveNext();

    /// <summary>The body returned (the builder's <c>SetResult</c>, after the result is stored).</summary>
    private protected void Finish()
    {
        AssertState(_state == State.Running, "return");
        _state = State.Finished;
        ResumeAwaiter();
    }

    /// <summary>The body threw (the builder's <c>SetException</c>).</summary>
    public void Fail(Exception exception)
    {
        AssertState(_state == State.Running, "throw");
        _exception = exception;
        _state = State.Finished;
        ResumeAwaiter();
    }

    private void ResumeAwaiter()
    {
        var continuation = _continuation;
        if (EventLoop.RunningLoop is null)
        {
            // Off the loop threads an awaiter may register from another thread at this moment.
            continuation = TakeContinuationOffLoop();
            if (continuation is CoroutineCore box)
                box.Run(); // registered on a loop thread before the body left it
            else
                (continuation as Action)?.Invoke();
            return;
        }
        if (continuation is null)
            return;
        _continuation = null;
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack() && EventLoop.RunningLoop is { } loop)
        {
            // A deep chain of awaits all finishing in one step would resume each awaiter inside
            // the last: past what the stack holds, the rest resume in the next iteration, as
            // .NET's own Task continuations fall back to the thread pool.
            if (continuation is CoroutineCore queued)
                loop.YieldTo(queued);
            else
                loop.YieldTo(Unsafe.As<Action>(continuation));
            return;
        }
        if (continuation is CoroutineCore awaiting)
            awaiting.Run();
        else
            Unsafe.As<Action>(continuation)();
    }

    // The body has just finished off the loop threads: the store of _state and this load are
    // ordered by the full fence of the exchange; SetContinuationOffLoop fences the other way.
    private object? TakeContinuationOffLoop()
    {
        Interlocked.MemoryBarrier();
        return Interlocked.Exchange(ref _continuation, null);
    }

    /// <summary>Registers what runs when the body finishes (an awaiter of this coroutine).</summary>
    public void SetContinuation(object continuation)
    {
        if (EventLoop.RunningLoop is null)
        {
            SetContinuationOffLoop(continuation);
            return;
        }
        if (IsCompleted)
        {
            // Finished between IsCompleted and OnCompleted (never on the loop thread); resume now.
            _continuation = continuation;
            ResumeAwaiter();
            return;
        }
        _continuation = continuation;
    }

    /// <summary>An awaiter on a thread that runs no loop: the body may finish on another thread meanwhile.</summary>
    private void SetContinuationOffLoop(object continuation)
    {
        if (continuation is CoroutineCore box)
            continuation = (Action)box.Run; // off the loop, a delegate: ResumeAwaiter there takes one
        Interlocked.Exchange(ref _continuation, continuation);
        // Publish, then look: either the finishing thread takes it, or this sees the body done
        // and takes it back (exactly one of the two runs it).
        if (IsCompleted && Interlocked.CompareExchange(ref _continuation, null, continuation) == continuation)
            Unsafe.As<Action>(continuation)();
    }

    // A coroutine awaited by another: resume that one's box inline when this one finishes.
    void IAwaitTarget.SuspendStep(CoroutineCore coroutine) => SetContinuation(coroutine);

    /// <summary>Rethrows what the body threw, with its original stack trace (but see below for the stack guard's error).</summary>
    public void ThrowIfFailed()
    {
        if (_exception is not null)
        {
            // The stack guard's error comes out through every coroutine nested above it, tens
            // of thousands: rethrown with its trace, each level would copy the trace of all
            // the levels below it (27,000 awaits took 90 s to unwind). Its trace says only how
            // deep the nesting went, so it is thrown afresh at each level: constant cost.
#pragma warning disable CA2200 // dropping the trace is the point (above)
            if (_exception is InsufficientExecutionStackException guard)
                throw guard;
#pragma warning restore CA2200
            ExceptionDispatchInfo.Throw(_exception);
        }
        if (_state != State.Finished)
            throw new InvalidOperationException(_state == State.Closed
                ? ThrowHelper.CoroutineReusedMessage
                : "The coroutine has not finished.");
    }

    /// <summary>The builder's <c>AwaitUnsafeOnCompleted</c>: suspends the body on <paramref name="awaiter"/>.</summary>
    /// <remarks>
    /// The loop's own awaiters take this box as the step to queue; anything else gets a delegate
    /// to <see cref="Run"/>, made once per coroutine. The state is set before the awaiter sees
    /// the box, since an awaiter may resume it at once (re-entering <see cref="Run"/>).
    /// </remarks>
    public void Suspend<TAwaiter>(ref TAwaiter awaiter, bool flowContext)
        where TAwaiter : INotifyCompletion
    {
        AssertState(_state == State.Running, "suspend");
        _context = ExecutionContext.Capture();
        _state = State.Suspended;
        if (awaiter is ILoopAwaiter)
        {
            // Decided when the method is compiled for a struct awaiter. A call through the
            // interface would box the awaiter (24 bytes per await, measured); its one field is
            // read instead, which is what an ILoopAwaiter promises to be.
            Unsafe.As<TAwaiter, IAwaitTarget>(ref awaiter).SuspendStep(this);
            return;
        }
        var resumer = _resumer ??= new Resumer(this);
        resumer.Context = SynchronizationContext.Current;
        var action = resumer.Action;
        if (!flowContext && awaiter is ICriticalNotifyCompletion)
            ((ICriticalNotifyCompletion)awaiter).UnsafeOnCompleted(action);
        else
            awaiter.OnCompleted(action);
    }

    /// <summary>The continuation given to awaiters the loop does not know (a .NET Task's): resumes the body where it belongs.</summary>
    /// <remarks>
    /// A coroutine is the loop's own kind of method: inside a task it always resumes as a step of
    /// that task (in a plain callback, as a callback of the loop), even when the awaiter ignores the context (<c>ConfigureAwait(false)</c>, or a
    /// completion that runs continuations inline on some other thread); that is why a
    /// <c>ConfigureAwait(false)</c> in a coroutine never strands its task. A body started outside
    /// any loop thread stays off the loop threads.
    /// </remarks>
    private sealed class Resumer
    {
        private static readonly SendOrPostCallback s_run = static core => ((CoroutineCore)core!).Run();

        private readonly CoroutineCore _core;
        public readonly Action Action;
        // The SynchronizationContext at the last suspension on such an awaiter.
        public SynchronizationContext? Context;

        public Resumer(CoroutineCore core)
        {
            _core = core;
            Action = Resume;
        }

        private void Resume()
        {
            var context = Context;
            if (context is (TaskContext or LoopSynchronizationContext) && !ReferenceEquals(SynchronizationContext.Current, context))
            {
                context.Post(s_run, _core);
                return;
            }
            if (context is null && EventLoop.RunningLoop is not null)
            {
                ThreadPoolContext.Instance.Post(s_run, _core);
                return;
            }
            _core.Run();
        }
    }

    /// <summary>Python's repr of a coroutine object: <c>&lt;coroutine object Name&gt;</c>.</summary>
    public override string ToString() => $"<coroutine object {MethodName}>";
}

/// <summary>A coroutine whose body returns a <typeparamref name="T"/>.</summary>
internal abstract class CoroutineCore<T> : CoroutineCore
{
    private T _result = default!;

    /// <summary>The value the body returned, once it finished without an exception.</summary>
    public T Result => _result;

    /// <summary>The builder's <c>SetResult</c>.</summary>
    public void SetResult(T result)
    {
        _result = result;
        Finish();
    }
}

/// <summary>One coroutine's box: its state machine, stored inline.</summary>
internal sealed class CoroutineBox<TStateMachine, T> : CoroutineCore<T>
    where TStateMachine : IAsyncStateMachine
{
    public TStateMachine StateMachine = default!;

    public override string MethodName => Naming.AsyncMethodName(typeof(TStateMachine));

    private protected override void MoveNext() => StateMachine.MoveNext();
}

/// <summary>The result type of a <see cref="Coroutine"/> without a result: nothing.</summary>
internal readonly struct NoResult;

/// <summary>Marks an awaiter of the loop's own (a Future's, a sleep's, a coroutine's): a struct whose one field is an <see cref="IAwaitTarget"/>.</summary>
/// <remarks>
/// <see cref="CoroutineCore.Suspend"/> reads that field without boxing the awaiter; the
/// layout is checked for every implementing type by the tests (<c>CoroutineTests</c>).
/// </remarks>
internal interface ILoopAwaiter;

/// <summary>What a loop awaiter waits through: it can resume a coroutine's box as a step of the current task, without a delegate.</summary>
internal interface IAwaitTarget
{
    void SuspendStep(CoroutineCore coroutine);
}
