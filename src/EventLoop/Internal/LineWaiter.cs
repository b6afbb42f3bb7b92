namespace Asyncio.Internal;

/// <summary>What a lock, a semaphore or an event does around one wait in its line: asyncio's <c>acquire()</c> or <c>wait()</c> after <c>await fut</c>.</summary>
internal interface IWaitLine
{
    /// <summary>The line of waiters (allocated on the first wait).</summary>
    WaiterQueue Waiters { get; }

    /// <summary>The wait ended with a <see cref="CancelledError"/> and <paramref name="waiter"/> has left the line: asyncio's <c>except CancelledError:</c> block, which passes a wake-up on.</summary>
    void OnWaitCancelled(Future<bool> waiter);

    /// <summary>The wait ended with a wake-up and the waiter has left the line: take the lock or the permit (an event has nothing to do).</summary>
    void OnWaitSucceeded();
}

/// <summary>Starts the waits of locks, semaphores and events.</summary>
internal static class LineWaiter
{
    /// <summary>Queues a wait in <paramref name="line"/>; the ValueTask returns <paramref name="result"/> once woken, or throws the wait's error.</summary>
    /// <remarks>A primitive bound to another loop (or used outside one) throws at the <c>await</c>, as the coroutine it is in asyncio would; a token already cancelled cancels the wait before it queues.</remarks>
    public static ValueTask<TResult> Wait<TResult>(ref EventLoop? bound, IWaitLine line, TResult result, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<TResult>(cancellationToken);
        if (!LoopBinding.TryGet(ref bound, line, out var loop, out var error))
            return ValueTask.FromException<TResult>(error);
        return new ValueTask<TResult>(new LineWaiter<TResult>(loop, line, result, cancellationToken), 0);
    }
}

/// <summary>One acquire of a lock or a semaphore, or one wait for an event, that waits in line, returned to its caller as a ValueTask of <typeparamref name="TResult"/> (see <see cref="ValueTaskWaiter{TResult}"/>).</summary>
/// <remarks>
/// <para>asyncio: <c>fut = create_future(); waiters.append(fut); try: try: await fut finally:
/// waiters.remove(fut) except CancelledError: ... raise</c>, then the acquire (an event's
/// <c>wait()</c> is the same without the <c>except</c> block and the acquire). The waiter is
/// <c>fut</c> and the rest of the coroutine in one object: no async method, no delegate.</para>
/// <para><typeparamref name="TResult"/> is what the wait returns: <see langword="true"/> for
/// <c>AcquireAsync</c> and <c>WaitAsync</c>, a <see cref="LockReleaser"/> for <c>LockAsync</c>.</para>
/// </remarks>
internal sealed class LineWaiter<TResult> : ValueTaskWaiter<TResult>
{
    private readonly IWaitLine _line;

    /// <summary>Queues a waiter in <paramref name="line"/> and awaits it; the ValueTask returns <paramref name="result"/> once woken.</summary>
    public LineWaiter(EventLoop loop, IWaitLine line, TResult result, CancellationToken cancellationToken) : base(loop)
    {
        _line = line;
        ResultSlot = result; // what the wait returns once woken, kept where the result goes
        line.Waiters.Enqueue(this);
        Await(this);
        CancelWhen(cancellationToken);
    }

    protected override void Resume()
    {
        try
        {
            // Throws the waiter's cancellation, or the task's if it was cancelled after the wake-up.
            GetResultForAwait();
        }
        catch (Exception error)
        {
            // First leave the line (asyncio's finally), so that a wake-up passed on below
            // cannot pick this waiter again.
            _line.Waiters.Remove(this);
            if (error is CancelledError)
                _line.OnWaitCancelled(this);
            Fail(error);
            return;
        }
        _line.Waiters.Remove(this);
        _line.OnWaitSucceeded();
        Succeed(ResultSlot);
    }
}
