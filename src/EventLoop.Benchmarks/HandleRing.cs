namespace Asyncio.Benchmarks;

/// <summary>
/// The floor plus what asyncio's contract adds to every callback: a bare ring buffer that
/// allocates a cancellable handle per callback, as <c>call_soon</c> must return one.
/// </summary>
/// <remarks>
/// The handle is 32 bytes, as <see cref="Handle"/> is (an object header and two fields): the
/// rows that use this ring show how much of the loop's cost over the bare
/// <see cref="DelegateRing"/> is that one allocation, which no faithful loop can skip.
/// </remarks>
public sealed class HandleRing
{
    /// <summary>A minimal cancellable handle: its callback and whether it was cancelled.</summary>
    public sealed class FloorHandle(Action callback)
    {
        public Action Callback { get; } = callback;

        public bool Cancelled { get; set; }
    }

    private FloorHandle[] _items = new FloorHandle[1024];
    private int _head;
    private int _count;

    public FloorHandle Enqueue(Action action)
    {
        var handle = new FloorHandle(action);
        if (_count == _items.Length)
            Grow();
        _items[(_head + _count) & (_items.Length - 1)] = handle;
        _count++;
        return handle;
    }

    /// <summary>Runs the callbacks of handles not cancelled until none is left, including the ones they enqueue.</summary>
    public void RunAll()
    {
        while (_count > 0)
        {
            var handle = _items[_head];
            _items[_head] = null!;
            _head = (_head + 1) & (_items.Length - 1);
            _count--;
            if (!handle.Cancelled)
                handle.Callback();
        }
    }

    private void Grow()
    {
        var bigger = new FloorHandle[_items.Length * 2];
        for (int i = 0; i < _count; i++)
            bigger[i] = _items[(_head + i) & (_items.Length - 1)];
        _items = bigger;
        _head = 0;
    }
}
