namespace Asyncio.Benchmarks;

/// <summary>The floor: the least a ready queue can do, a bare ring buffer of delegates run in FIFO order.</summary>
/// <remarks>No handles, no clock, no iterations, no error handling: what the loop's dispatch is measured against.</remarks>
public sealed class DelegateRing
{
    private Action[] _items = new Action[1024];
    private int _head;
    private int _count;

    public void Enqueue(Action action)
    {
        if (_count == _items.Length)
            Grow();
        _items[(_head + _count) & (_items.Length - 1)] = action;
        _count++;
    }

    /// <summary>Runs callbacks until none is left, including the ones they enqueue.</summary>
    public void RunAll()
    {
        while (_count > 0)
        {
            var action = _items[_head];
            _items[_head] = null!;
            _head = (_head + 1) & (_items.Length - 1);
            _count--;
            action();
        }
    }

    private void Grow()
    {
        var bigger = new Action[_items.Length * 2];
        for (int i = 0; i < _count; i++)
            bigger[i] = _items[(_head + i) & (_items.Length - 1)];
        _items = bigger;
        _head = 0;
    }
}
