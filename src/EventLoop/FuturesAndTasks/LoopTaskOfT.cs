using Asyncio.Internal;

namespace Asyncio;

/// <summary>A task whose method returns a <typeparamref name="T"/>: asyncio's <c>Task</c>.</summary>
/// <remarks>See <see cref="LoopTask"/> for the rules.</remarks>
public sealed class LoopTask<T> : LoopTask, IFuture<T>
{
    private T _result = default!;

    internal LoopTask(EventLoop loop, Func<Task<T>> coroutineFunction, string? name, long number)
        : base(loop, coroutineFunction, name, number)
    {
    }

    internal LoopTask(EventLoop loop, CoroutineCore<T> coroutine, string? name, long number)
        : base(loop, coroutine, name, number)
    {
    }

    /// <summary>The method's return value: asyncio's <c>task.result()</c>.</summary>
    /// <remarks>
    /// Throws <see cref="CancelledError"/> when cancelled,
    /// <see cref="InvalidStateError"/> ("Result is not set.") when pending, and rethrows the
    /// method's exception.
    /// </remarks>
    public new T Result()
    {
        ThrowIfNotSuccessful();
        return _result;
    }

    /// <summary>Lets <c>await</c> suspend until the task is done, then return its result.</summary>
    public new FutureAwaiter<T> GetAwaiter() => new(this);

    /// <summary>A .NET <see cref="Task{TResult}"/> that completes as this task does: see <see cref="Future.AsTask"/>.</summary>
    /// <remarks>asyncio: no twin; see <see cref="Future.AsTask"/>.</remarks>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public new Task<T> AsTask() => TaskBridge<T>.Create(this, static f => ((LoopTask<T>)f).Result());

    Future IFuture<T>.AsFuture() => this;

    private protected override void SetResultFrom(object coroutine)
    {
        _result = coroutine is CoroutineCore<T> box ? box.Result : ((Task<T>)coroutine).Result;
        FinishCore();
    }

    private protected override object? BoxedResult => _result;

    /// <summary>The stored result, unchecked: for the awaiter, after it checked the state.</summary>
    internal T ResultValue => _result;
}
