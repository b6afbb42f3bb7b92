namespace Asyncio;

/// <summary>What a <see cref="LoopStreamReader"/>/<see cref="LoopStreamWriter"/> pair and its <see cref="Server"/> see of a connection: asyncio's transport with its <c>StreamReaderProtocol</c> and <c>FlowControlMixin</c>.</summary>
/// <remarks>
/// <para>Two kinds: a plain socket is a <see cref="ProtocolStreamTransport"/>, the stream API
/// standing on the protocol transport as asyncio's streams stand on <c>_SelectorSocketTransport</c>;
/// a TLS session, a pipe or any other .NET <see cref="Stream"/> is a <see cref="PumpedStreamTransport"/>.
/// This class holds what both share: the writer's drain (asyncio's <c>_drain_helper</c>) and the
/// closed future (<c>StreamReaderProtocol._closed</c>), completed once by <see cref="ReaderLost"/>.</para>
/// <para>Loop-thread only.</para>
/// </remarks>
internal abstract class StreamTransport : IServedConnection
{
    private bool _lost;
    private List<Future<bool>>? _drainWaiters;
    private Future<object?>? _closed;

    protected StreamTransport(EventLoop loop) => Loop = loop;

    public EventLoop Loop { get; }

    /// <summary>Called once the connection is lost (asyncio's <c>Server._detach</c>).</summary>
    public Action<StreamTransport>? OnLost { get; set; }

    /// <summary>Whether connection_lost has run.</summary>
    public bool IsLost => _lost;

    /// <summary>Whether the write buffer went over the high-water mark and not yet back to the low one: a drain waits.</summary>
    public bool WritePaused => WritePausedFlag;

    /// <summary>asyncio's <c>FlowControlMixin._paused</c>, set by the kind of transport.</summary>
    protected bool WritePausedFlag { get; set; }

    public abstract bool IsClosing { get; }

    public abstract int WriteBufferSize { get; }

    public abstract int HighWater { get; }

    public abstract int LowWater { get; }

    public abstract bool CanWriteEof { get; }

    /// <summary>asyncio's <c>connection_made</c>: start reading.</summary>
    public abstract void Start();

    public abstract void PauseReading();

    public abstract void ResumeReading();

    public abstract void Write(ReadOnlySpan<byte> data);

    public abstract void WriteEof();

    public abstract void SetWriteBufferLimits(int? high, int? low);

    /// <summary>asyncio's <c>transport.close()</c>: stop reading, send what is buffered, then close.</summary>
    public abstract void Close();

    /// <summary>asyncio's <c>transport.abort()</c>: close now, dropping what is buffered.</summary>
    public abstract void Abort();

    public abstract object? GetExtraInfo(string name);

    /// <summary>asyncio's <c>FlowControlMixin._drain_helper</c>.</summary>
    public async Task DrainHelperAsync(CancellationToken cancellationToken = default)
    {
        if (_lost)
            throw ConnectionLostError();
        if (!WritePausedFlag)
            return;
        var waiter = Loop.CreateFuture<bool>();
        (_drainWaiters ??= []).Add(waiter);
        using var registration = Internal.TokenCancellation.Register(waiter, cancellationToken);
        try
        {
            await waiter;
        }
        finally
        {
            _drainWaiters.Remove(waiter);
        }
    }

    /// <summary>asyncio's <c>FlowControlMixin.resume_writing</c> (null) and <c>connection_lost</c> (the error): every drain waiting ends.</summary>
    protected void WakeDrainWaiters(Exception? exception)
    {
        if (_drainWaiters is not { Count: > 0 } waiters)
            return;
        foreach (var waiter in waiters.ToArray())
        {
            if (waiter.Done)
                continue;
            if (exception is null)
                waiter.SetResult(true);
            else
                waiter.SetException(exception);
        }
    }

    public static System.Net.Sockets.SocketException ConnectionLostError() =>
        new((int)System.Net.Sockets.SocketError.ConnectionReset);

    /// <summary>From here <see cref="IsLost"/>; the kind of transport closes its resource, then calls <see cref="ReaderLost"/>.</summary>
    protected void MarkLost() => _lost = true;

    /// <summary>asyncio's <c>StreamReaderProtocol.connection_lost</c>: the reader hears of it, the closed future completes, drains end, the server forgets the connection.</summary>
    protected void ReaderLost(LoopStreamReader? reader, Exception? exception)
    {
        _lost = true;
        if (reader is not null)
        {
            if (exception is null)
                reader.FeedEof();
            else
                reader.SetException(exception);
        }
        var closed = _closed ??= Loop.CreateFuture<object?>();
        if (exception is null)
        {
            closed.SetResult(null);
        }
        else
        {
            closed.SetException(exception);
            closed.MarkObserved(); // asyncio retrieves it in StreamReaderProtocol.__del__
        }
        if (WritePausedFlag)
        {
            WritePausedFlag = false;
            WakeDrainWaiters(exception);
        }
        OnLost?.Invoke(this);
    }

    /// <summary>asyncio's <c>StreamReaderProtocol._closed</c>: done at connection_lost.</summary>
    public Future<object?> ClosedFuture => _closed ??= Loop.CreateFuture<object?>();
}
