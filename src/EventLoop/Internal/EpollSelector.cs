using System.Diagnostics;

namespace Asyncio.Internal;

/// <summary>The loop's readiness selector on Linux: asyncio's <c>selectors.EpollSelector</c> with the self-pipe of <c>BaseSelectorEventLoop</c>.</summary>
/// <remarks>
/// <para>Made the first time a file descriptor is watched (<c>AddReader</c>, a socket
/// transport); from then on phase 2 blocks in <c>epoll_wait</c> rather than on the inbox's
/// monitor, and the inbox wakes it through an eventfd, so that one wait covers both the other
/// threads' posts and the descriptors. Phase 3 turns the events into the watchers' handles
/// (<see cref="TakeEvents"/>), as asyncio's <c>_process_events</c> does, after the posts.</para>
/// <para>Level-triggered, as asyncio's selectors are: a descriptor still readable after its
/// callback ran is reported again by the next poll, so no event is ever lost by polling twice.
/// Loop thread only, except <see cref="Wake"/>.</para>
/// <para>Under virtual time the selector is one readiness probe for all its descriptors: while
/// any is watched the clock gives them a grace before it jumps, and does not jump over one
/// that is ready (see <c>EventLoop.BlockOnVirtualTime</c>).</para>
/// </remarks>
internal sealed class EpollSelector : EventLoop.IReadinessProbe, IDisposable
{
    /// <summary>What is watched on one descriptor: asyncio's <c>SelectorKey</c> with its data <c>(reader, writer)</c>.</summary>
    internal sealed class Watch
    {
        public required int Fd { get; init; }
        public Handle? Reader;
        public Handle? Writer;
        /// <summary>The transport that owns the descriptor, if any: the public API leaves it alone.</summary>
        public object? Owner;
        public uint Mask;
    }

    private const int MaxEvents = 256;

    private readonly EventLoop _loop;
    private readonly int _epoll;
    private readonly int _wakeFd;
    private readonly Dictionary<int, Watch> _watches = [];
    private readonly byte[] _events = new byte[MaxEvents * Epoll.EventSize];
    // The events of the last poll not yet handed to the loop, the eventfd's left out.
    private readonly int[] _readyFds = new int[MaxEvents];
    private readonly uint[] _readyMasks = new uint[MaxEvents];
    private int _readyCount;
    private long _polls;
    private bool _disposed;

    public EpollSelector(EventLoop loop)
    {
        _loop = loop;
        _epoll = Epoll.Create();
        try
        {
            _wakeFd = Epoll.CreateEventFd();
        }
        catch
        {
            Epoll.Close(_epoll);
            throw;
        }
        int error = Epoll.Control(_epoll, _wakeFd, 0, Epoll.In);
        if (error != 0)
        {
            Dispose();
            throw new System.ComponentModel.Win32Exception(error);
        }
    }

    /// <summary>Whether any descriptor is watched: then every iteration polls, as asyncio's <c>select(0)</c>.</summary>
    public bool IsWatching => _watches.Count > 0;

    /// <summary>Whether the last poll found a descriptor ready whose handles phase 3 has not taken yet.</summary>
    public bool HasEvents => _readyCount > 0;

    bool EventLoop.IReadinessProbe.IsReady
    {
        get
        {
            Poll(0);
            return _readyCount > 0;
        }
    }

    public Watch? Find(int fd) => _watches.GetValueOrDefault(fd);

    /// <summary>How many times the descriptors were polled: an event is news to a wait only if the wait began before the poll that found it.</summary>
    public long Polls => _polls;

    /// <summary>Sets the reader or the writer of <paramref name="fd"/> (null: none); returns the one it replaces.</summary>
    /// <returns>The replaced handle, or null.</returns>
    /// <exception cref="System.ComponentModel.Win32Exception">epoll refused the descriptor (not open, a regular file): nothing changed.</exception>
    public Handle? Set(int fd, bool write, Handle? handle, object? owner)
    {
        if (_disposed)
            return null; // the loop closed: its epoll descriptor number may belong to another file by now
        _watches.TryGetValue(fd, out var watch);
        uint oldMask = watch?.Mask ?? 0;
        Handle? reader = write ? watch?.Reader : handle;
        Handle? writer = write ? handle : watch?.Writer;
        uint newMask = (reader is null ? 0 : Epoll.In) | (writer is null ? 0 : Epoll.Out);
        if (newMask != oldMask)
        {
            int error = Epoll.Control(_epoll, fd, oldMask, newMask);
            // A descriptor closed behind our back is gone from the epoll set already.
            if (error != 0 && !(newMask == 0 && error == 9 /* EBADF */))
                throw new System.ComponentModel.Win32Exception(error);
        }
        var replaced = write ? watch?.Writer : watch?.Reader;
        if (newMask == 0)
        {
            if (watch is not null)
            {
                _watches.Remove(fd);
                if (_watches.Count == 0)
                    _loop.ProbedWaitEnded(this);
            }
            return replaced;
        }
        if (watch is null)
        {
            watch = new Watch { Fd = fd };
            _watches.Add(fd, watch);
            if (_watches.Count == 1)
                _loop.ProbedWaitStarted(this);
        }
        watch.Reader = reader;
        watch.Writer = writer;
        watch.Mask = newMask;
        if (owner is not null)
            watch.Owner = owner;
        AssertInvariants(watch);
        return replaced;
    }

    // What epoll is told matches what is watched: a mask bit exactly for each handle, and a
    // watch only while it has one (Debug builds only).
    [Conditional("DEBUG")]
    private void AssertInvariants(Watch watch)
    {
        Debug.Assert(watch.Mask == ((watch.Reader is null ? 0 : Epoll.In) | (watch.Writer is null ? 0 : Epoll.Out)),
            "EpollSelector: a watch's epoll mask differs from its handles");
        Debug.Assert(watch.Mask != 0 && _watches.TryGetValue(watch.Fd, out var kept) && ReferenceEquals(kept, watch),
            "EpollSelector: a watch without a handle is kept, or a kept watch is not the descriptor's");
        Debug.Assert(_watches.Count > 0 == _loop.IsProbing(this),
            "EpollSelector: the virtual clock's probe is registered exactly while a descriptor is watched");
    }

    /// <summary>Blocks up to <paramref name="timeout"/> ms (-1: no limit) until a descriptor is ready or <see cref="Wake"/> is called; returns at once while events are untaken.</summary>
    public void Poll(int timeout)
    {
        if (_readyCount > 0)
            return;
        int n = Epoll.Wait(_epoll, _events, timeout);
        _polls++;
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            int fd = Epoll.FdAt(_events, i);
            if (fd == _wakeFd)
            {
                Epoll.Reset(_wakeFd);
                continue;
            }
            _readyFds[count] = fd;
            _readyMasks[count] = Epoll.MaskAt(_events, i);
            count++;
        }
        _readyCount = count;
    }

    /// <summary>Ends a <see cref="Poll"/> from any thread.</summary>
    public void Wake() => Epoll.Signal(_wakeFd);

    /// <summary>asyncio's <c>_process_events</c>: the handles of the ready descriptors go to <paramref name="ready"/>, reader before writer, a cancelled one unwatched instead.</summary>
    public void TakeEvents(ref ReadyQueue ready)
    {
        int count = _readyCount;
        _readyCount = 0;
        for (int i = 0; i < count; i++)
        {
            // A watch removed by an earlier callback of this iteration has no handle to run.
            if (!_watches.TryGetValue(_readyFds[i], out var watch))
                continue;
            uint mask = _readyMasks[i];
            // As asyncio's EpollSelector: any bit but IN counts as writable, any bit but OUT as
            // readable, so an error or a hang-up wakes both sides to find out.
            if ((mask & ~Epoll.Out) != 0 && watch.Reader is { } reader)
                Enqueue(ref ready, watch, reader, write: false);
            if ((mask & ~Epoll.In) != 0 && watch.Writer is { } writer)
                Enqueue(ref ready, watch, writer, write: true);
        }
    }

    private void Enqueue(ref ReadyQueue ready, Watch watch, Handle handle, bool write)
    {
        if (handle.Cancelled)
            Set(watch.Fd, write, null, null);
        else
            ready.Enqueue(new WorkItem(handle, null, WorkKind.Handle));
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_watches.Count > 0)
            _loop.ProbedWaitEnded(this);
        _watches.Clear();
        Epoll.Close(_wakeFd);
        Epoll.Close(_epoll);
    }
}
