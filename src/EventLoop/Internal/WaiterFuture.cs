namespace Asyncio.Internal;

/// <summary>The Future a task awaits while it waits on a lock, an event, a condition, a semaphore or a queue.</summary>
/// <remarks>
/// It knows which primitive it waits on, so that task dumps and deadlock reports can name it
/// ("waiting on AsyncLock ..."). Only these futures carry that reference: every other Future
/// and every task is 8 bytes smaller for it.
/// </remarks>
internal class WaiterFuture : Future<bool>
{
    private object? _owner;

    public WaiterFuture(EventLoop loop) : base(loop)
    {
    }

    internal override object? Owner => _owner;

    /// <summary>Set by the <see cref="WaiterQueue"/> that queues this waiter.</summary>
    internal void SetOwner(object owner) => _owner = owner;
}
