namespace Asyncio;

/// <summary>A Future whose typed result you set yourself: asyncio's <c>Future</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>loop.create_future()</c> / <c>asyncio.Future()</c>.</para>
/// <para>Plain code that needs to hand out something to await creates one, keeps it, and later
/// calls <see cref="SetResult"/>, <see cref="Future.SetException"/> or <see cref="Future.Cancel"/>.</para>
/// </remarks>
public class Future<T> : Future, IFuture<T>
{
    private T _result = default!;

    /// <summary>Creates a pending Future on <paramref name="loop"/>: asyncio's <c>Future(loop=loop)</c>.</summary>
    public Future(EventLoop loop) : base(loop)
    {
    }

    /// <summary>Creates a pending Future on the running loop: asyncio's <c>Future()</c>.</summary>
    /// <exception cref="InvalidOperationException">No loop is running on this thread.</exception>
    public Future() : base(EventLoop.GetRunningLoop())
    {
    }

    /// <summary>The result: asyncio's <c>fut.result()</c>.</summary>
    /// <remarks>
    /// Throws <see cref="CancelledError"/> when cancelled,
    /// <see cref="InvalidStateError"/> ("Result is not set.") when pending, and rethrows the
    /// exception that was set.
    /// </remarks>
    public new T Result()
    {
        ThrowIfNotSuccessful();
        return _result;
    }

    /// <summary>Marks the Future done with <paramref name="result"/> and schedules its callbacks.</summary>
    /// <remarks>
    /// asyncio: <c>fut.set_result(result)</c>. Throws <see cref="InvalidStateError"/> when the
    /// Future is already done, with CPython's message, <c>invalid state</c>.
    /// </remarks>
    public void SetResult(T result)
    {
        Loop.CheckThread("SetResult");
        ThrowIfAlreadyDone();
        _result = result;
        FinishCore();
    }

    /// <summary>Lets <c>await</c> suspend until the Future is done, then return the result.</summary>
    public new FutureAwaiter<T> GetAwaiter() => new(this);

    /// <summary>A .NET <see cref="Task{TResult}"/> that completes as this Future does: see <see cref="Future.AsTask"/>.</summary>
    /// <remarks>asyncio: no twin; see <see cref="Future.AsTask"/>.</remarks>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public new Task<T> AsTask() => TaskBridge<T>.Create(this, static f => ((Future<T>)f).Result());

    Future IFuture<T>.AsFuture() => this;

    private protected override object? BoxedResult => _result;

    /// <summary>The stored result, unchecked: for the awaiter, after it checked the state.</summary>
    internal T ResultValue => _result;
}

/// <summary>A Future with a typed result: implemented by <see cref="Future{T}"/> and <see cref="LoopTask{T}"/>.</summary>
/// <remarks>asyncio: no twin (Python is untyped); it lets combinators take both kinds.</remarks>
public interface IFuture<out T>
{
    /// <summary>The Future itself, untyped.</summary>
    Future AsFuture();

    /// <summary>The typed result: asyncio's <c>fut.result()</c>.</summary>
    T Result();
}
