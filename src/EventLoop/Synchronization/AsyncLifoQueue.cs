using Asyncio.Internal;

namespace Asyncio;

/// <summary>A queue that hands out the most recently added item first: asyncio's <c>LifoQueue</c>.</summary>
/// <remarks>asyncio: <c>asyncio.LifoQueue(maxsize=0)</c>; every rule of <see cref="AsyncQueue{T}"/> holds but the order.</remarks>
public sealed class AsyncLifoQueue<T> : AsyncQueue<T>
{
    /// <summary>Creates a LIFO queue holding at most <paramref name="maxSize"/> items (0: no limit): asyncio's <c>LifoQueue(maxsize=0)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSize"/> is negative.</exception>
    public AsyncLifoQueue(int maxSize = 0) : base(maxSize, new LifoStore<T>())
    {
    }

    private protected override string DisplayName => "AsyncLifoQueue";
}
