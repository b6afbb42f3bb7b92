using Asyncio.Internal;

namespace Asyncio;

/// <summary>A queue that hands out the lowest item first: asyncio's <c>PriorityQueue</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.PriorityQueue(maxsize=0)</c>; every rule of <see cref="AsyncQueue{T}"/> holds but the order.</para>
/// <para>Differs from asyncio: items are ordered by <c>comparer</c> (default:
/// <see cref="Comparer{T}.Default"/>) instead of Python's <c>&lt;</c>, and items that compare
/// equal come out in the order they were put, where <c>heapq</c> leaves that order undefined.</para>
/// </remarks>
public sealed class AsyncPriorityQueue<T> : AsyncQueue<T>
{
    /// <summary>Creates a priority queue holding at most <paramref name="maxSize"/> items (0: no limit): asyncio's <c>PriorityQueue(maxsize=0)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSize"/> is negative.</exception>
    public AsyncPriorityQueue(int maxSize = 0, IComparer<T>? comparer = null)
        : base(maxSize, new HeapStore<T>(comparer ?? Comparer<T>.Default))
    {
    }

    private protected override string DisplayName => "AsyncPriorityQueue";
}
