namespace Asyncio.Internal;

/// <summary>Where a queue keeps its items: asyncio's overridable <c>_init</c>/<c>_put</c>/<c>_get</c>.</summary>
internal abstract class ItemStore<T>
{
    public abstract int Count { get; }

    public abstract void Put(T item);

    public abstract T Take();

    /// <summary>The items in the order they would be taken (for <c>ToString</c> only).</summary>
    public abstract IEnumerable<T> InTakeOrder();
}

/// <summary>FIFO: asyncio's <c>collections.deque</c> (the BCL's ring buffer; it never shrinks, so steady state allocates nothing).</summary>
internal sealed class FifoStore<T> : ItemStore<T>
{
    private readonly Queue<T> _items = new();

    public override int Count => _items.Count;

    public override void Put(T item) => _items.Enqueue(item);

    public override T Take() => _items.Dequeue();

    public override IEnumerable<T> InTakeOrder() => _items;
}

/// <summary>LIFO: asyncio's <c>LifoQueue</c> list.</summary>
internal sealed class LifoStore<T> : ItemStore<T>
{
    private readonly List<T> _items = [];

    public override int Count => _items.Count;

    public override void Put(T item) => _items.Add(item);

    public override T Take()
    {
        int last = _items.Count - 1;
        var item = _items[last];
        _items.RemoveAt(last);
        return item;
    }

    public override IEnumerable<T> InTakeOrder()
    {
        for (int i = _items.Count - 1; i >= 0; i--)
            yield return _items[i];
    }
}

/// <summary>Lowest first: asyncio's <c>PriorityQueue</c> heap (<c>heapq</c>), with equal items taken in insertion order.</summary>
/// <remarks>
/// Invariant: <c>_heap[0.._count)</c> is a binary min-heap on (item by the comparer, sequence
/// number). The sequence number makes the order total, hence deterministic, where heapq's is
/// not stable.
/// </remarks>
internal sealed class HeapStore<T> : ItemStore<T>
{
    private readonly IComparer<T> _comparer;
    private (T Item, long Sequence)[] _heap = new (T, long)[8];
    private int _count;
    private long _sequence;

    public HeapStore(IComparer<T> comparer) => _comparer = comparer;

    public override int Count => _count;

    public override void Put(T item)
    {
        if (_count == _heap.Length)
            Array.Resize(ref _heap, _heap.Length * 2);
        var entry = (item, _sequence++);
        int i = _count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Less(entry, _heap[parent]))
                break;
            _heap[i] = _heap[parent];
            i = parent;
        }
        _heap[i] = entry;
    }

    public override T Take()
    {
        var top = _heap[0].Item;
        var last = _heap[--_count];
        _heap[_count] = default;
        if (_count > 0)
        {
            int i = 0;
            while (true)
            {
                int child = 2 * i + 1;
                if (child >= _count)
                    break;
                if (child + 1 < _count && Less(_heap[child + 1], _heap[child]))
                    child++;
                if (!Less(_heap[child], last))
                    break;
                _heap[i] = _heap[child];
                i = child;
            }
            _heap[i] = last;
        }
        return top;
    }

    public override IEnumerable<T> InTakeOrder() =>
        _heap.Take(_count).OrderBy(e => e.Item, _comparer).ThenBy(e => e.Sequence).Select(e => e.Item);

    private bool Less((T Item, long Sequence) a, (T Item, long Sequence) b)
    {
        int c = _comparer.Compare(a.Item, b.Item);
        return c < 0 || (c == 0 && a.Sequence < b.Sequence);
    }
}
