using System.Runtime.CompilerServices;

namespace Asyncio;

/// <summary>One of the awaitables of <see cref="Combinators.AsCompleted{T}(EventLoop, IEnumerable{IFuture{T}}, double?, CancellationToken)"/>: asyncio's <c>_wait_for_one()</c> coroutine.</summary>
/// <remarks>
/// asyncio: the coroutines that <c>as_completed</c> yields. Like them, it starts waiting when it
/// is first awaited (or turned into a task), not when it is created, and gives the next result to
/// arrive at that point.
/// </remarks>
public sealed class AsCompletedAwaitable<T>
{
    private readonly Func<Task<T>> _start;
    private Task<T>? _started;

    internal AsCompletedAwaitable(Func<Task<T>> start) => _start = start;

    /// <summary>Starts waiting (once) and returns the wait as a .NET Task.</summary>
    public Task<T> AsTask() => _started ??= _start();

    /// <summary>Starts waiting, if not yet started, so that <c>await</c> gets the next result.</summary>
    public TaskAwaiter<T> GetAwaiter() => AsTask().GetAwaiter();
}
