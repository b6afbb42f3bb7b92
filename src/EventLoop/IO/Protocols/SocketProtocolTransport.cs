using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>A <see cref="Transport"/> over a connected stream <see cref="Socket"/> (TCP or Unix) driving a protocol: asyncio's <c>_SelectorSocketTransport</c>.</summary>
/// <remarks>
/// <para>asyncio's readiness model. On Linux the socket is watched by the loop's own epoll
/// selector, exactly as asyncio's selector loop watches it: a reader handle registered while
/// reading (<c>_read_ready</c>: one non-blocking receive per readiness), a writer handle only
/// while bytes wait in the buffer (<c>_write_ready</c>). A write tries a non-blocking send at
/// once and buffers only what the socket did not take, as <c>write()</c> does. No thread but
/// the loop's touches the connection.</para>
/// <para>Elsewhere (no epoll) .NET's socket engine stands in for the selector: a zero-byte
/// receive in flight is "readable" (it consumes nothing), and a send pump drains the buffer;
/// both run outside any task under the loop's SynchronizationContext, so their completions come
/// back through the inbox. Either way a pending send counts as real work and a pending read as
/// a probed wait, so a virtual-time loop waits for them instead of reporting a deadlock.</para>
/// <para>Invariants: at most one receive and one send in flight; the protocol's
/// <c>connection_lost</c> is scheduled once (<see cref="_connLost"/>), and the socket is closed in
/// that callback, after the protocol has seen it.</para>
/// </remarks>
internal sealed class SocketProtocolTransport : Transport, EventLoop.IReadinessProbe, IServedConnection, IOwnedDescriptor
{
    // asyncio's max_size for one receive is 256 KiB; a pooled 64 KiB keeps an idle connection at
    // zero and a busy one at one buffer.
    private const int ReceiveBufferSize = 64 * 1024;

    private static ArrayPool<byte> Buffers => ArrayPool<byte>.Shared;

    private readonly Socket _socket;
    private readonly Protocol? _plain;
    private readonly BufferedProtocol? _buffered;
    private readonly BaseProtocol _protocol;
    private readonly EndPoint? _peer;
    private readonly EndPoint? _local;
    private ValueTask<int> _receive;
    private bool _pumpRunning;
    private bool _paused;
    private bool _readStopped;
    private bool _closing;
    private bool _eof;
    private bool _connLost;
    private bool _lost;
    private byte[] _pending = [];
    private int _pendingCount;
    private int _inFlight;
    private bool _sending;
    private bool _protocolPaused;
    private int _highWater = 64 * 1024;
    private int _lowWater = 16 * 1024;
    // The loop's selector and the handles registered with it, made once per connection; null
    // where there is no epoll, and the pumps below stand in.
    private readonly EpollSelector? _selector;
    private readonly int _fd;
    private readonly Handle? _readReady;
    private readonly Handle? _writeReady;
    private bool _readerWatched;

    public SocketProtocolTransport(EventLoop loop, Socket socket, BaseProtocol protocol) : base(loop)
    {
        _socket = socket;
        _protocol = protocol;
        _plain = protocol as Protocol;
        _buffered = protocol as BufferedProtocol;
        // The try-now send and receive of asyncio: a would-block comes back as an error code.
        socket.Blocking = false;
        _peer = ProtocolCalls.SafeEndPoint(socket, remote: true);
        _local = ProtocolCalls.SafeEndPoint(socket, remote: false);
        _selector = loop.Selector;
        if (_selector is not null)
        {
            _fd = (int)socket.SafeHandle.DangerousGetHandle();
            _readReady = new Handle(loop, static s => ((SocketProtocolTransport)s!).ReadReady(), this);
            _writeReady = new Handle(loop, static s => ((SocketProtocolTransport)s!).WriteReady(), this);
        }
        loop._openTransportCount++;
    }

    /// <summary>Called once the connection is lost (asyncio's <c>Server._detach</c>).</summary>
    public Action<SocketProtocolTransport>? OnLost { get; set; }

    /// <summary>asyncio's <c>__init__</c>: connection_made, then start reading, then <paramref name="waiter"/>, each in its own callback, in that order.</summary>
    public void Start(Future<bool>? waiter) =>
        ProtocolCalls.ScheduleStart(Loop, this, static self => ProtocolCalls.ConnectionMade(self._protocol, self), static self => self.StartReading(), waiter);

    bool EventLoop.IReadinessProbe.IsReady => _receive.IsCompleted || _socket.Available > 0 || _socket.Poll(0, SelectMode.SelectRead);

    public override bool IsClosing => _closing;

    public override bool IsReading => !_paused && !_closing;

    public override bool CanWriteEof => true;

    public override object? GetExtraInfo(string name, object? defaultValue = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "peername" => _peer ?? defaultValue,
            "sockname" => _local ?? defaultValue,
            "socket" => _socket,
            _ => defaultValue,
        };
    }

    // ---- reading -----------------------------------------------------------------------------

    private void StartReading()
    {
        // asyncio's _add_reader: nothing when paused or closing (pause_reading in connection_made).
        if (!IsReading || _readStopped || _pumpRunning)
            return;
        if (_selector is not null)
        {
            if (!_readerWatched)
            {
                _selector.Set(_fd, write: false, _readReady, owner: this);
                _readerWatched = true;
            }
            return;
        }
        Loop.StartDetached(static s => ((SocketProtocolTransport)s).ReadPumpAsync(), this);
    }

    /// <summary>asyncio's <c>_remove_reader</c>: no more readiness callbacks until reading starts again.</summary>
    private void StopWatchingReads()
    {
        if (!_readerWatched)
            return;
        _readerWatched = false;
        _selector!.Set(_fd, write: false, null, null);
    }

    public override void PauseReading()
    {
        Loop.CheckThread(nameof(PauseReading));
        if (_closing || _paused)
            return;
        _paused = true;
        StopWatchingReads();
    }

    public override void ResumeReading()
    {
        Loop.CheckThread(nameof(ResumeReading));
        if (_closing || !_paused)
            return;
        _paused = false;
        StartReading();
    }

    private async Task ReadPumpAsync()
    {
        _pumpRunning = true;
        try
        {
            while (IsReading && !_readStopped)
            {
                Loop.ProbedWaitStarted(this);
                try
                {
                    // Readable: the zero-byte receive ends when bytes, EOF or an error are there.
                    _receive = _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
                    await _receive;
                }
                catch (Exception exception)
                {
                    if (!_closing)
                        FatalError(exception, "Fatal read error on socket transport");
                    return;
                }
                finally
                {
                    Loop.ProbedWaitEnded(this);
                    _receive = default;
                }
                // Paused or closed while waiting: the bytes stay in the socket for later.
                if (!IsReading || _readStopped)
                    return;
                ReadReady();
            }
        }
        finally
        {
            _pumpRunning = false;
        }
    }

    /// <summary>asyncio's <c>_read_ready__get_buffer</c> / <c>_read_ready__data_received</c>: one non-blocking receive.</summary>
    private void ReadReady()
    {
        if (!IsReading || _readStopped)
            return; // paused or closed by an earlier callback of this iteration
        if (_buffered is not null)
        {
            ReadReadyBuffered(_buffered);
            return;
        }
        var buffer = Buffers.Rent(ReceiveBufferSize);
        try
        {
            int received = ReceiveOnce(buffer);
            if (received == 0)
                return;
            try
            {
                _plain!.DataReceived(buffer.AsSpan(0, received));
            }
            catch (Exception exception)
            {
                FatalError(exception, "Fatal error: protocol.data_received() call failed.");
            }
        }
        finally
        {
            Buffers.Return(buffer);
        }
    }

    private void ReadReadyBuffered(BufferedProtocol protocol)
    {
        Memory<byte> buffer;
        try
        {
            buffer = protocol.GetBuffer(-1);
            if (buffer.IsEmpty)
                throw ThrowHelper.EmptyGetBufferError();
        }
        catch (Exception exception)
        {
            FatalError(exception, "Fatal error: protocol.get_buffer() call failed.");
            return;
        }
        int received = ReceiveOnce(buffer.Span);
        if (received == 0)
            return;
        try
        {
            protocol.BufferUpdated(received);
        }
        catch (Exception exception)
        {
            FatalError(exception, "Fatal error: protocol.buffer_updated() call failed.");
        }
    }

    /// <summary>One non-blocking receive into <paramref name="buffer"/>: the bytes received, or 0 when there is nothing more to do (it would block, the connection failed, or the stream ended: each handled here).</summary>
    private int ReceiveOnce(Span<byte> buffer)
    {
        int received = _socket.Receive(buffer, SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock)
            return 0;
        if (error != SocketError.Success)
        {
            FatalError(new SocketException((int)error), "Fatal read error on socket transport");
            return 0;
        }
        if (received == 0)
            OnEof();
        return received;
    }

    /// <summary>asyncio's <c>_read_ready__on_eof</c>: the protocol decides whether the transport stays open.</summary>
    private void OnEof()
    {
        _readStopped = true;
        StopWatchingReads();
        bool keepOpen;
        try
        {
            keepOpen = _plain is not null ? _plain.EofReceived() : _buffered!.EofReceived();
        }
        catch (Exception exception)
        {
            FatalError(exception, "Fatal error: protocol.eof_received() call failed.");
            return;
        }
        if (!keepOpen)
            Close();
    }

    // ---- writing -----------------------------------------------------------------------------

    public override void Write(ReadOnlySpan<byte> data)
    {
        Loop.CheckThread(nameof(Write));
        if (_eof)
            ThrowHelper.WriteAfterEof();
        if (data.IsEmpty || _connLost)
            return; // asyncio: writes after the connection is lost are dropped
        if (_pendingCount == 0 && !_sending)
        {
            // asyncio's write(): try the socket now, buffer only the rest.
            int sent = _socket.Send(data, SocketFlags.None, out var error);
            if (error == SocketError.Success)
            {
                data = data[sent..];
                if (data.IsEmpty)
                    return;
            }
            else if (error != SocketError.WouldBlock)
            {
                FatalError(new SocketException((int)error), "Fatal write error on socket transport");
                return;
            }
        }
        WriteBufferLimits.Append(ref _pending, ref _pendingCount, data);
        if (!_sending)
        {
            _sending = true;
            if (_selector is not null)
            {
                // asyncio's _add_writer: _write_ready runs once the socket takes bytes again.
                // A send ends by itself: virtual time waits for it, as for the pump's.
                _selector.Set(_fd, write: true, _writeReady, owner: this);
                Loop.RealWorkStarted();
            }
            else
            {
                Loop.StartDetached(static s => ((SocketProtocolTransport)s).SendPumpAsync(), this);
            }
        }
        MaybePauseProtocol();
    }

    /// <summary>asyncio's <c>_write_ready</c>: send what the socket takes; once the buffer is empty, stop watching, then close or shut down if asked.</summary>
    private void WriteReady()
    {
        if (_connLost || !_sending)
            return;
        int sent = _socket.Send(_pending.AsSpan(0, _pendingCount), SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock)
            return;
        if (error != SocketError.Success)
        {
            StopWatchingWrites();
            FatalError(new SocketException((int)error), "Fatal write error on socket transport");
            return;
        }
        if (sent < _pendingCount)
            _pending.AsSpan(sent, _pendingCount - sent).CopyTo(_pending);
        _pendingCount -= sent;
        MaybeResumeProtocol(); // may write more, into the same buffer
        if (_pendingCount > 0)
            return;
        StopWatchingWrites();
        ReturnBuffer(_pending);
        _pending = [];
        if (_closing)
        {
            _connLost = true;
            CallConnectionLost(null);
        }
        else if (_eof)
        {
            ShutdownSend();
        }
    }

    /// <summary>asyncio's <c>_remove_writer</c>: the buffer is empty, or the connection is lost.</summary>
    private void StopWatchingWrites()
    {
        if (_selector is null || !_sending)
            return;
        _sending = false;
        _selector.Set(_fd, write: true, null, null);
        Loop.RealWorkEnded();
    }

    private static void ReturnBuffer(byte[] buffer)
    {
        if (buffer.Length > 0)
            Buffers.Return(buffer);
    }

    /// <summary>asyncio's <c>_write_ready</c>, as a pump: send what is buffered, then close or shut down if asked.</summary>
    private async Task SendPumpAsync()
    {
        try
        {
            while (_pendingCount > 0 && !_connLost)
            {
                // Swap: Write appends to a fresh buffer while this one is sent.
                var chunk = _pending;
                int count = _pendingCount;
                _pending = [];
                _pendingCount = 0;
                _inFlight = count;
                Loop.RealWorkStarted(); // a send ends by itself: virtual time waits for it, as the streams' does
                try
                {
                    var remaining = chunk.AsMemory(0, count);
                    while (!remaining.IsEmpty)
                    {
                        int sent = await _socket.SendAsync(remaining, SocketFlags.None);
                        remaining = remaining[sent..];
                        _inFlight = remaining.Length;
                    }
                }
                finally
                {
                    Loop.RealWorkEnded();
                    _inFlight = 0;
                    ReturnBuffer(chunk);
                }
                MaybeResumeProtocol(); // may write more: the loop goes on
            }
        }
        catch (Exception exception)
        {
            _sending = false;
            if (!_connLost)
                FatalError(exception, "Fatal write error on socket transport");
            return;
        }
        _sending = false;
        if (_connLost)
            return;
        if (_closing)
        {
            _connLost = true;
            CallConnectionLost(null);
        }
        else if (_eof)
        {
            ShutdownSend();
        }
    }

    public override void WriteEof()
    {
        Loop.CheckThread(nameof(WriteEof));
        if (_closing || _eof)
            return;
        _eof = true;
        if (_pendingCount == 0 && !_sending)
            ShutdownSend();
    }

    private void ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException exception)
        {
            FatalError(exception, "Fatal write error on socket transport");
        }
    }

    public override int WriteBufferSize => _pendingCount + _inFlight;

    public override (int Low, int High) GetWriteBufferLimits() => (_lowWater, _highWater);

    public override void SetWriteBufferLimits(int? high = null, int? low = null)
    {
        Loop.CheckThread(nameof(SetWriteBufferLimits));
        (_highWater, _lowWater) = WriteBufferLimits.Compute(high, low);
        MaybePauseProtocol();
    }

    private void MaybePauseProtocol() => ProtocolCalls.MaybePauseWriting(Loop, _protocol, ref _protocolPaused, WriteBufferSize, _highWater);

    private void MaybeResumeProtocol() => ProtocolCalls.MaybeResumeWriting(Loop, _protocol, ref _protocolPaused, WriteBufferSize, _lowWater);

    // ---- closing -----------------------------------------------------------------------------

    public override void Close()
    {
        Loop.CheckThread(nameof(Close));
        if (_closing)
            return;
        _closing = true;
        StopWatchingReads(); // asyncio's close(): _remove_reader at once
        if (_pendingCount == 0 && !_sending)
        {
            _connLost = true;
            Loop.CallSoon(static s => ((SocketProtocolTransport)s!).CallConnectionLost(null), this);
        }
    }

    public override void Abort()
    {
        Loop.CheckThread(nameof(Abort));
        ForceClose(null);
    }

    /// <summary>asyncio's <c>_fatal_error</c>: an OS error is the peer's doing and is not reported; anything else goes to the exception handler. Then <c>_force_close</c>.</summary>
    private void FatalError(Exception exception, string message)
    {
        if (exception is not (SocketException or IOException or ObjectDisposedException))
        {
            Loop.CallExceptionHandler(new ExceptionContext(message) { Exception = exception });
        }
        ForceClose(exception);
    }

    /// <summary>asyncio's <c>_force_close</c>: drop the buffer, stop reading, connection_lost in the next iteration.</summary>
    private void ForceClose(Exception? exception)
    {
        if (_connLost)
            return;
        StopWatching();
        _pendingCount = 0;
        _closing = true;
        _connLost = true;
        Loop.CallSoon(static s => { var (self, e) = ((SocketProtocolTransport, Exception?))s!; self.CallConnectionLost(e); }, (object)(this, exception));
    }

    /// <summary>asyncio's <c>_call_connection_lost</c>: the protocol hears of it, then the socket closes.</summary>
    private void CallConnectionLost(Exception? exception)
    {
        if (_lost)
            return;
        _lost = true;
        try
        {
            _protocol.ConnectionLost(exception);
        }
        finally
        {
            CloseSocket();
            Loop._openTransportCount--;
            OnLost?.Invoke(this);
        }
    }

    /// <summary>asyncio's start_tls hand-over: the socket leaves this transport open, for a TLS transport to take; no connection_lost, the connection goes on.</summary>
    /// <remarks>Only once nothing waits to be sent. The socket is blocking again: .NET's NetworkStream under an SslStream refuses a non-blocking one.</remarks>
    internal Socket DetachSocket()
    {
        StopWatching();
        _closing = true;
        _connLost = true;
        _lost = true;
        _readStopped = true;
        ReturnBuffer(_pending);
        _pending = [];
        Loop._openTransportCount--;
        _socket.Blocking = true;
        return _socket;
    }

    /// <summary>No more callbacks from the selector: before the socket closes, so that its descriptor number, once reused, is not watched for us.</summary>
    private void StopWatching()
    {
        if (_selector is null)
            return;
        StopWatchingReads();
        StopWatchingWrites();
    }

    private void CloseSocket()
    {
        StopWatching();
        // With the selector, a plain close, as asyncio's sock.close(): a FIN, or the RST the
        // socket's own state asks for (SO_LINGER of zero, unread bytes). Without it a zero-byte
        // receive is pending, and .NET closes such a socket abortively (RST) unless it is shut
        // down first; shut down then, unless an RST is what SO_LINGER asks for.
        if (_selector is null && !AsksForReset(_socket))
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // Not connected any more: nothing to shut down.
            }
        }
        _socket.Dispose();
        ReturnBuffer(_pending);
        _pending = [];
    }

    private static bool AsksForReset(Socket socket)
    {
        try
        {
            return socket.LingerState is { Enabled: true, LingerTime: 0 };
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>asyncio's repr: <c>&lt;_SelectorSocketTransport fd=.. read=polling write=&lt;idle, bufsize=0&gt;&gt;</c>, without the fd.</summary>
    public override string ToString()
    {
        string state = _lost ? " closed" : _closing ? " closing" : "";
        bool polling = _selector is null ? IsReading : _readerWatched;
        return $"<Transport{state} read={(polling ? "polling" : "idle")} write=<{(_sending ? "polling" : "idle")}, bufsize={WriteBufferSize}>>";
    }
}
