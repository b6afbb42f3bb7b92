using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>The awaiter behind <c>await future</c>; not meant to be used directly.</summary>
/// <remarks>
/// asyncio: <c>Future.__await__</c>. A done Future does not suspend; a pending one records
/// itself as what the current task waits on (so that cancelling the task cancels it) and resumes
/// the task one loop iteration after it completes.
/// </remarks>
public readonly struct FutureAwaiter : ICriticalNotifyCompletion, ILoopAwaiter
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
public readonly struct FutureAwaiter<T> : ICriticalNotifyCompletion, ILoopAwaiter
{
    // A Future<T> or a LoopTask<T>: the only two that make this awaiter. One field, so that the
    // awaiter is a single reference; GetResult tells the two apart by the sealed LoopTask<T>'s
    // exact type (one compare of the object's type handle) to read the result field unchecked.
    private readonly Future _future;

    internal FutureAwaiter(Future<T> future) => _future = future;

    internal FutureAwaiter(LoopTask<T> task) => _future = task;

    /// <summary>Whether the Future is done, so that <c>await</c> need not suspend.</summary>
    public bool IsCompleted => _future.Done;

    /// <summary>Returns the result, or rethrows the Future's exception or cancellation.</summary>
    public T GetResult()
    {
        _future.GetResultForAwait(); // throws unless finished with a result
        return _future is LoopTask<T> task ? task.ResultValue : Unsafe.As<Future<T>>(_future).ResultValue;
    }

    /// <summary>Schedules <paramref name="continuation"/> for when the Future is done.</summary>
    public void OnCompleted(Action continuation) => _future.OnAwait(continuation);

    /// <summary>Schedules <paramref name="continuation"/> for when the Future is done.</summary>
    public void UnsafeOnCompleted(Action continuation) => _future.OnAwait(continuation);
}
