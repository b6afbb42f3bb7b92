using Asyncio.Internal;

namespace Asyncio;

public sealed partial class EventLoop
{
    // For the traces in this folder: what a callback scheduled is what it added to the tail of
    // the ready queue (ReadyCount before and after), read without a hook on the scheduling path.

    /// <summary>The ready item at <paramref name="index"/> from the head, without removing it (loop thread).</summary>
    internal WorkItem PeekReady(int index) => _ready.PeekAt(index);
}
