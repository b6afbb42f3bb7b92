namespace Asyncio;

/// <summary>Turns .NET Tasks into loop Futures: asyncio's <c>asyncio.wrap_future</c> as an extension.</summary>
/// <remarks>asyncio: <c>asyncio.wrap_future(fut, loop=loop)</c>.</remarks>
public static class TaskFutureExtensions
{
    /// <summary>A Future of <paramref name="loop"/> (the running loop when omitted) that completes as <paramref name="task"/> does: asyncio's <c>asyncio.wrap_future(fut)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wrap_future(fut, loop=loop)</c>; see <see cref="EventLoop.WrapFuture{T}(Task{T}, CancellationTokenSource?)"/>.</remarks>
    /// <exception cref="InvalidOperationException">No loop given and none running on this thread.</exception>
    public static Future<T> AsFuture<T>(this Task<T> task, EventLoop? loop = null, CancellationTokenSource? cancellation = null) =>
        (loop ?? EventLoop.GetRunningLoop()).WrapFuture(task, cancellation);

    /// <summary>A Future of <paramref name="loop"/> (the running loop when omitted) that completes as <paramref name="task"/> does: asyncio's <c>asyncio.wrap_future(fut)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.wrap_future(fut, loop=loop)</c>; see <see cref="EventLoop.WrapFuture(Task, CancellationTokenSource?)"/>.</remarks>
    /// <exception cref="InvalidOperationException">No loop given and none running on this thread.</exception>
    public static Future<object?> AsFuture(this Task task, EventLoop? loop = null, CancellationTokenSource? cancellation = null) =>
        (loop ?? EventLoop.GetRunningLoop()).WrapFuture(task, cancellation);
}
