using System.Threading.Tasks.Sources;

namespace Asyncio.Internal;

/// <summary>One direction of a socket watched by the loop's selector, as an awaitable: where a stream's pump would await .NET's socket engine, it awaits the loop's own readiness.</summary>
/// <remarks>
/// <para>The watch is set when a wait starts and left in place when the wait ends, so that a pump
/// that waits again before the next poll (the steady state of a busy connection) costs no
/// <c>epoll_ctl</c> at all; a readiness that finds nobody waiting removes it, so an idle or
/// paused pump is not called every iteration by a level-triggered descriptor.</para>
/// <para>A readiness found before the wait began is not news to it: after a wait completes, the
/// next poll still sees the bytes the pump is about to read, and its event must not end the
/// pump's next wait (it would then find nothing to read).</para>
/// <para>The await resumes inline, in the readiness callback on the loop thread (or in
/// <see cref="Close"/>): no thread but the loop's is involved, and no iteration is spent between
/// the readiness and the pump. Loop thread only. One wait at a time.</para>
/// </remarks>
internal sealed class ReadinessWait : IValueTaskSource<int>
{
    private readonly EpollSelector _selector;
    private readonly int _fd;
    private readonly bool _write;
    private readonly object _owner;
    private readonly Handle _ready;
    private ManualResetValueTaskSourceCore<int> _core;
    private bool _waiting;
    private long _waitedAt; // the selector's poll count when the wait began
    private bool _watched;
    private bool _closed;

    public ReadinessWait(EventLoop loop, EpollSelector selector, int fd, bool write, object owner)
    {
        _selector = selector;
        _fd = fd;
        _write = write;
        _owner = owner;
        _ready = new Handle(loop, static s => ((ReadinessWait)s!).OnReady(), this);
    }

    /// <summary>Completes (with 0) once the descriptor is readable, or writable; faults once <see cref="Close"/> is called.</summary>
    public ValueTask<int> WaitAsync()
    {
        if (_closed)
            return ValueTask.FromException<int>(new ObjectDisposedException(nameof(System.Net.Sockets.Socket)));
        _core.Reset();
        _waiting = true;
        _waitedAt = _selector.Polls;
        if (!_watched)
        {
            _selector.Set(_fd, _write, _ready, _owner);
            _watched = true;
        }
        return new ValueTask<int>(this, _core.Version);
    }

    private void OnReady()
    {
        if (!_waiting)
        {
            Unwatch();
            return;
        }
        // Found by the poll of this iteration, before this wait began: the readiness its
        // previous wait already consumed (the pump has read since). The next poll tells anew.
        if (_selector.Polls == _waitedAt)
            return;
        _waiting = false;
        _core.SetResult(0);
    }

    /// <summary>No more watching, before the socket closes; a wait in progress faults with <see cref="ObjectDisposedException"/>.</summary>
    public void Close()
    {
        if (_closed)
            return;
        _closed = true;
        Unwatch();
        if (_waiting)
        {
            _waiting = false;
            _core.SetException(new ObjectDisposedException(nameof(System.Net.Sockets.Socket)));
        }
    }

    private void Unwatch()
    {
        if (!_watched)
            return;
        _watched = false;
        _selector.Set(_fd, _write, null, null);
    }

    int IValueTaskSource<int>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _core.GetStatus(token);

    // The continuation runs inline, in the readiness callback itself, rather than posted to the
    // SynchronizationContext it captured: that context is the loop's and this is its thread, so
    // posting would only cost the pump an iteration per wait.
    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags & ~ValueTaskSourceOnCompletedFlags.UseSchedulingContext);
}
