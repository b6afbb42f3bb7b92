using System.Runtime.CompilerServices;

namespace Asyncio;

/// <summary>The awaiter behind <c>await future</c>; not meant to be used directly.</summary>
/// <remarks>
/// asyncio: <c>Future.__await__</c>. A done Future does not suspend; a pending one records
/// itself as what the current task waits on (so that cancelling the task cancels it) and resumes
/// the task one loop iteration after it completes.
/// </remarks>
public readonly struct FutureAwaiter : ICriticalNotifyCompletion
{
    private readonly Future _future;

    internal FutureAwaiter(Future future) => _future = future;

    /// <summary>Whether the Future is done, so that <c>await</c> need not suspend.</summary>
    public bool IsCompleted => _future.Done;

    /// <summary>Rethrows the Future's exception or cancellation, if any.</summary>
    public void GetResult() => _future.GetResultForAwait();

    /// <summary>Schedules <paramref name="continuation"/> for when the Future is done.</summary>
    public void OnCompleted(Action continuation) => _future.OnAwait(continuation);

    /// <summary>Schedules <paramref name="continuation"/> for when the Future is done.</summary>
    public void UnsafeOnCompleted(Action continuation) => _future.OnAwait(continuation);
}

/// <summary>The awaiter behind <c>await</c> of a typed Future or task; not meant to be used directly.</summary>
/// <remarks>asyncio: <c>Future.__await__</c>; see <see cref="FutureAwaiter"/>.</remarks>
public readonly struct FutureAwaiter<T> : ICriticalNotifyCompletion
{
    // A Future<T> or a LoopTask<T>: the only two that make this awaiter, each saying which it
    // is, so that GetResult reads the result field with no type test (the awaiter is inlined
    // into the awaiting method, where _ofTask is a constant).
    private readonly Future _future;
    private readonly bool _ofTask;

    internal FutureAwaiter(Future<T> future)
    {
        _future = future;
        _ofTask = false;
    }

    internal FutureAwaiter(LoopTask<T> task)
    {
        _future = task;
        _ofTask = true;
    }

    /// <summary>Whether the Future is done, so that <c>await</c> need not suspend.</summary>
    public bool IsCompleted => _future.Done;

    /// <summary>Returns the result, or rethrows the Future's exception or cancellation.</summary>
    public T GetResult()
    {
        _future.GetResultForAwait(); // throws unless finished with a result
        return _ofTask ? Unsafe.As<LoopTask<T>>(_future).ResultValue : Unsafe.As<Future<T>>(_future).ResultValue;
    }

    /// <summary>Schedules <paramref name="continuation"/> for when the Future is done.</summary>
    public void OnCompleted(Action continuation) => _future.OnAwait(continuation);

    /// <summary>Schedules <paramref name="continuation"/> for when the Future is done.</summary>
    public void UnsafeOnCompleted(Action continuation) => _future.OnAwait(continuation);
}
