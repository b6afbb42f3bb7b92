namespace Asyncio.Internal;

/// <summary>An <c>await</c> of a loop Future (a task, a sleep, a primitive's wait) from a thread that is not its loop's, while the loop runs there.</summary>
/// <remarks>
/// <para>The rule at the thread boundary: such an await works. Its registration is done on the
/// loop thread (posted through the inbox, so the Future's callback slots are only ever touched
/// there), and its continuation runs back on the awaiting side: posted to the
/// SynchronizationContext that was current at the <c>await</c>, or queued to the thread pool when
/// there was none, never inline on the loop thread. A loop that is closed (before or while the
/// await is registered) resumes the await at once, and its <c>GetResult</c> throws
/// <see cref="InvalidOperationException"/> naming the cause.</para>
/// <para>Not on the hot path: an await on the loop thread never comes here.</para>
/// </remarks>
internal sealed class ForeignAwait : IFutureListener
{
    private static readonly Action<object?> s_register = static s => ((ForeignAwait)s!).RegisterOnLoop();

    private readonly Future _future;
    private readonly Action _continuation;
    private readonly SynchronizationContext _target;

    private ForeignAwait(Future future, Action continuation, SynchronizationContext target)
    {
        _future = future;
        _continuation = continuation;
        _target = target;
    }

    /// <summary>Where a continuation of code running on <em>this</em> thread goes back to: its SynchronizationContext, or the thread pool.</summary>
    /// <remarks>A loop's own context on a thread that does not run that loop would send the continuation to the wrong place: the pool then.</remarks>
    internal static SynchronizationContext CaptureTarget()
    {
        var context = SynchronizationContext.Current;
        if (context is null || context is TaskContext || context is LoopSynchronizationContext)
            return ThreadPoolContext.Instance;
        return context;
    }

    /// <summary>Registers <paramref name="continuation"/> to run, on the awaiting side, once <paramref name="future"/> is done.</summary>
    public static void Register(Future future, Action continuation)
    {
        var wait = new ForeignAwait(future, continuation, CaptureTarget());
        var loop = future.Loop;
        if (loop.IsClosed)
        {
            // Never completes now: resume at once, and GetResult says why.
            wait.Resume();
            return;
        }
        loop.PostFromOtherThread(new WorkItem(s_register, wait, WorkKind.StateAction));
    }

    private void RegisterOnLoop()
    {
        if (_future is SleepFuture { Armed: false } sleep)
            sleep.Arm(); // a sleep's timer starts when the loop sees the await, on its own clock
        _future.AddListener(this);
    }

    void IFutureListener.OnFutureDone(Future future) => Resume();

    private void Resume() => _target.Post(static c => ((Action)c!)(), _continuation);
}

/// <summary>Posts to the thread pool: where an await from a thread without a SynchronizationContext resumes.</summary>
internal sealed class ThreadPoolContext : SynchronizationContext
{
    public static readonly ThreadPoolContext Instance = new();

    public override void Post(SendOrPostCallback d, object? state) =>
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.d(s.state), (d, state), preferLocal: false);

    public override SynchronizationContext CreateCopy() => this;
}
