using System.Buffers;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>Moves bytes between a .NET stream (an <see cref="System.Net.Security.SslStream"/>, a pipe, any <see cref="Stream"/>) and a reader/writer pair on the loop, with two pumps: asyncio's <c>_SSLProtocolTransport</c> or pipe transport with <c>StreamReaderProtocol</c>.</summary>
/// <remarks>
/// <para>Loop-thread only. Two pumps run as <c>async</c> methods outside any task, under the
/// loop's own SynchronizationContext, so every completion of a .NET socket operation comes back
/// to the loop through its inbox. Each operation in flight counts as outstanding external work,
/// so a virtual-time loop waits for it instead of reporting a deadlock.</para>
/// <para>Invariants: at most one receive and one send are in flight; <see cref="WriteBufferSize"/>
/// is the bytes queued plus the bytes being sent; connection_lost (<c>ConnectionLost</c>)
/// runs once, closes the resource, and is the only place that does.</para>
/// </remarks>
internal abstract class PumpedStreamTransport : StreamTransport, EventLoop.IReadinessProbe
{
    // The receive in flight, so that a virtual clock can see that its completion is on its way.
    private ValueTask<int> _receive;

    /// <summary>Whether the receive in flight has completed or has bytes waiting for it (see <see cref="EventLoop.IReadinessProbe"/>).</summary>
    bool EventLoop.IReadinessProbe.IsReady => _receive.IsCompleted || HasBytesWaiting;

    /// <summary>Whether the operating system holds bytes (or the end of the stream) for the next receive.</summary>
    protected virtual bool HasBytesWaiting => false;

    private const int ReceiveBufferSize = 64 * 1024;

    // Every buffer here is rented only while bytes pass through it: an idle connection holds
    // none (it held a 64 KiB receive buffer and up to two write buffers: 67 KiB measured).
    private static ArrayPool<byte> Buffers => ArrayPool<byte>.Shared;

    private readonly LoopStreamReader? _reader;
    private byte[] _pending = [];
    private int _pendingCount;
    private byte[]? _spare;
    private int _inFlight;
    private bool _sending;
    private bool _eofRequested;
    private bool _closing;
    private bool _readPaused;
    private Future<bool>? _resumeReading;
    private int _highWater = 64 * 1024;
    private int _lowWater = 16 * 1024;

    protected PumpedStreamTransport(EventLoop loop, LoopStreamReader? reader) : base(loop)
    {
        _reader = reader;
        reader?.SetTransport(this);
        loop._openTransportCount++;
    }



    public override bool IsClosing => _closing;


    public override int WriteBufferSize => _pendingCount + _inFlight;


    public override int HighWater => _highWater;

    public override int LowWater => _lowWater;

    // ---- what a concrete transport provides --------------------------------------------------

    protected abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer);

    protected abstract ValueTask SendAsync(ReadOnlyMemory<byte> data);

    protected abstract void ShutdownSend();

    /// <summary>Closes the socket or stream; <paramref name="abortive"/>: drop the connection (RST) rather than close it gracefully (FIN).</summary>
    protected abstract void CloseResource(bool abortive);


    /// <summary>Whether a zero-byte receive waits until data (or EOF) is there, without a buffer: a socket's does.</summary>
    protected virtual bool WaitsForDataWithoutBuffer => false;

    /// <summary>Whether EOF from the peer ends the transport (a pipe), rather than half-closing it (a socket).</summary>
    protected virtual bool CloseOnEof => false;

    public override object? GetExtraInfo(string name) => null;

    // ---- reading -----------------------------------------------------------------------------

    /// <summary>asyncio's <c>connection_made</c>: start reading.</summary>
    public override void Start()
    {
        if (_reader is not null)
            Loop.StartDetached(static s => ((PumpedStreamTransport)s).ReadPumpAsync(), this);
    }

    public override void PauseReading() => _readPaused = true;

    public override void ResumeReading()
    {
        _readPaused = false;
        var resume = _resumeReading;
        if (resume is not null)
        {
            _resumeReading = null;
            resume.SetResult(true);
        }
    }

    private async Task ReadPumpAsync()
    {
        var reader = _reader!;
        byte[]? buffer = null;
        try
        {
            while (!_closing)
            {
                if (_readPaused)
                {
                    _resumeReading = Loop.CreateFuture<bool>();
                    await _resumeReading;
                    continue;
                }
                int received;
                Loop.ProbedWaitStarted(this);
                try
                {
                    // Wait for data with no buffer, then rent one to take it: the receive of an
                    // idle connection is the one in flight for good. _receive is the receive in
                    // flight, which the virtual clock's probe asks whether bytes have arrived.
                    if (WaitsForDataWithoutBuffer)
                    {
                        _receive = ReceiveAsync(Memory<byte>.Empty);
                        await _receive;
                    }
                    if (!_closing)
                    {
                        buffer = Buffers.Rent(ReceiveBufferSize);
                        _receive = ReceiveAsync(buffer);
                        received = await _receive;
                    }
                    else
                    {
                        received = 0;
                    }
                }
                finally
                {
                    Loop.ProbedWaitEnded(this);
                    _receive = default;
                }
                // asyncio stops reading at close(): what arrives afterwards is dropped.
                if (_closing)
                    return;
                if (received == 0)
                {
                    // asyncio's StreamReaderProtocol.eof_received returns True: the transport
                    // stays open (half-closed), so the writer can still write.
                    reader.FeedEof();
                    if (CloseOnEof)
                        ConnectionLost(null);
                    return;
                }
                reader.FeedData(buffer!.AsSpan(0, received)); // copies
                Buffers.Return(buffer!);
                buffer = null;
            }
        }
        catch (Exception exception)
        {
            if (!IsLost)
                ConnectionLost(exception);
        }
        finally
        {
            // A receive that failed or ended the pump is no longer in flight: nothing writes
            // into the buffer any more.
            if (buffer is not null)
                Buffers.Return(buffer);
        }
    }

    // ---- writing -----------------------------------------------------------------------------

    public override void Write(ReadOnlySpan<byte> data)
    {
        if (_eofRequested)
            ThrowHelper.WriteAfterEof();
        if (data.IsEmpty || _closing)
            return; // asyncio: writes after the connection is lost are dropped
        WriteBufferLimits.Append(ref _pending, ref _pendingCount, data);
        if (!_sending)
            Loop.StartDetached(static s => ((PumpedStreamTransport)s).SendPumpAsync(), this);
        MaybePauseWriting();
    }

    public override void WriteEof()
    {
        if (_closing || _eofRequested)
            return;
        _eofRequested = true;
        if (!_sending)
            ShutdownSendSafely();
    }

    private static void ReturnBuffer(byte[]? buffer)
    {
        if (buffer is { Length: > 0 })
            Buffers.Return(buffer);
    }

    private void ShutdownSendSafely()
    {
        try
        {
            ShutdownSend();
        }
        catch (Exception exception)
        {
            ConnectionLost(exception);
        }
    }

    private async Task SendPumpAsync()
    {
        _sending = true;
        try
        {
            while (_pendingCount > 0 && !IsLost)
            {
                // Swap buffers: Write keeps appending to a fresh one while this one is sent.
                var chunk = _pending;
                int count = _pendingCount;
                _pending = _spare ?? [];
                _spare = null;
                _pendingCount = 0;
                _inFlight = count;
                Loop.RealWorkStarted(); // a send always ends by itself: virtual time waits for it
                try
                {
                    await SendAsync(chunk.AsMemory(0, count));
                }
                finally
                {
                    Loop.RealWorkEnded();
                    _inFlight = 0;
                }
                if (_spare is null || chunk.Length > _spare.Length)
                {
                    ReturnBuffer(_spare);
                    _spare = chunk;
                }
                else
                {
                    ReturnBuffer(chunk);
                }
                MaybeResumeWriting();
            }
            // Idle: both write buffers are empty, give them back.
            ReturnBuffer(_spare);
            _spare = null;
            if (_pendingCount == 0)
            {
                ReturnBuffer(_pending);
                _pending = [];
            }
            _sending = false;
            if (IsLost)
                return;
            if (_closing)
                ConnectionLost(null);
            else if (_eofRequested)
                ShutdownSendSafely();
        }
        catch (Exception exception)
        {
            _sending = false;
            if (!IsLost)
                ConnectionLost(exception);
        }
    }

    public override void SetWriteBufferLimits(int? high, int? low)
    {
        (_highWater, _lowWater) = WriteBufferLimits.Compute(high, low);
        MaybePauseWriting();
    }

    private void MaybePauseWriting()
    {
        if (!WritePausedFlag && WriteBufferSize > _highWater)
            WritePausedFlag = true;
    }

    private void MaybeResumeWriting()
    {
        if (WritePausedFlag && WriteBufferSize <= _lowWater)
        {
            WritePausedFlag = false;
            WakeDrainWaiters(null);
        }
    }

    // ---- closing -----------------------------------------------------------------------------

    /// <summary>asyncio's <c>transport.close()</c>: stop reading, send what is buffered, then close.</summary>
    public override void Close()
    {
        if (_closing)
            return;
        _closing = true;
        ResumeReadingPumpToExit();
        if (!_sending)
            Loop.CallSoon(static s => ((PumpedStreamTransport)s!).ConnectionLost(null), (object?)this);
    }

    /// <summary>asyncio's <c>transport.abort()</c>: close now, dropping what is buffered.</summary>
    public override void Abort()
    {
        if (IsLost)
            return;
        _closing = true;
        _pendingCount = 0;
        ResumeReadingPumpToExit();
        ConnectionLost(null, abortive: true);
    }

    private void ResumeReadingPumpToExit()
    {
        var resume = _resumeReading;
        if (resume is not null)
        {
            _resumeReading = null;
            resume.SetResult(true);
        }
    }

    /// <summary>asyncio's <c>_call_connection_lost</c> with <c>StreamReaderProtocol.connection_lost</c>: runs once.</summary>
    public void ConnectionLost(Exception? exception) => ConnectionLost(exception, abortive: exception is not null);

    private void ConnectionLost(Exception? exception, bool abortive)
    {
        if (IsLost)
            return;
        MarkLost();
        _closing = true;
        _pendingCount = 0;
        try
        {
            CloseResource(abortive);
        }
        catch (Exception)
        {
            // Closing a broken socket may throw again; the connection is gone either way.
        }
        Loop._openTransportCount--;
        ReaderLost(_reader, exception);
    }
}
