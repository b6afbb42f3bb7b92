using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace Asyncio;

/// <summary>A <see cref="Transport"/> driving a protocol over a TLS session on a socket: asyncio's <c>_SSLProtocolTransport</c> (with the <c>SSLProtocol</c> under it).</summary>
/// <remarks>
/// <para>Made after the handshake succeeded, so the protocol's <c>connection_made</c> comes only
/// after it, as in asyncio. Writing and closing are the streams' TLS transport's
/// (<see cref="SocketTransport"/> over the same <see cref="SslStream"/>, made without a reader):
/// its write buffer and send pump, its FIN on close, its one connection_lost. This class reads
/// the SslStream itself and calls the protocol, and turns that transport's flow control and
/// loss into the protocol's callbacks.</para>
/// <para>As asyncio's SSL transport: no half-close (<see cref="WriteEof"/> throws); EOF from the
/// peer calls <c>eof_received</c> and then closes, whatever it returns; writes after
/// <see cref="Close"/> are dropped.</para>
/// <para>Invariants: at most one read in flight; the protocol's connection_lost runs once, in
/// a callback scheduled when the socket transport lost the connection (and closed the socket).</para>
/// </remarks>
internal sealed class TlsProtocolTransport : Transport, EventLoop.IReadinessProbe, IServedConnection
{
    private const int ReceiveBufferSize = 64 * 1024;

    private static ArrayPool<byte> Buffers => ArrayPool<byte>.Shared;

    private readonly SocketTransport _io;
    private readonly SslStream _tls;
    private readonly Socket _socket;
    private readonly BaseProtocol _protocol;
    private readonly Protocol? _plain;
    private readonly BufferedProtocol? _buffered;
    // asyncio's SSLProtocol._extra, taken at the end of the handshake: still there after close.
    private readonly object _options;
    private readonly object? _peerCertificate;
    private readonly TlsCipherSuite _cipher;
    private readonly EndPoint? _peer;
    private readonly EndPoint? _local;
    private ValueTask<int> _receive;
    private bool _pumpRunning;
    private bool _paused;
    private bool _closing;
    private bool _protocolPaused;

    public TlsProtocolTransport(EventLoop loop, Socket socket, SslStream tls, object options, BaseProtocol protocol) : base(loop)
    {
        _socket = socket;
        _tls = tls;
        _options = options;
        _protocol = protocol;
        _plain = protocol as Protocol;
        _buffered = protocol as BufferedProtocol;
        _peerCertificate = tls.RemoteCertificate;
        _cipher = tls.NegotiatedCipherSuite;
        _peer = ProtocolCalls.SafeEndPoint(socket, remote: true);
        _local = ProtocolCalls.SafeEndPoint(socket, remote: false);
        _io = new SocketTransport(loop, socket, reader: null, tls) { SslOptions = options };
        _io.OnLost = _ => OnConnectionLost();
    }

    /// <summary>Called once the connection is lost, after the protocol heard of it (asyncio's <c>Server._detach</c>).</summary>
    public Action<TlsProtocolTransport>? OnLost { get; set; }

    /// <summary>asyncio's <c>_on_handshake_complete</c>: connection_made, then reading, then <paramref name="waiter"/>, each in its own callback, as the plain transport does.</summary>
    public void Start(Future<bool>? waiter) =>
        ProtocolCalls.ScheduleStart(Loop, this, static self => ProtocolCalls.ConnectionMade(self._protocol, self), static self => self.StartReading(), waiter);

    // A read waits for the next record on the socket: ready once bytes (or the FIN) are there.
    bool EventLoop.IReadinessProbe.IsReady => _receive.IsCompleted || _socket.Available > 0 || _socket.Poll(0, SelectMode.SelectRead);

    public override bool IsClosing => _closing;

    public override bool IsReading => !_paused && !_closing;

    // asyncio's _SSLProtocolTransport.can_write_eof(): TLS has no half-close.
    public override bool CanWriteEof => false;

    public override object? GetExtraInfo(string name, object? defaultValue = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "ssl_object" => _tls,
            "peercert" => _peerCertificate ?? defaultValue,
            "cipher" => _cipher,
            "sslcontext" => _options,
            "peername" => _peer ?? defaultValue,
            "sockname" => _local ?? defaultValue,
            "socket" => _socket,
            _ => defaultValue,
        };
    }

    // ---- reading -----------------------------------------------------------------------------

    private void StartReading()
    {
        if (!IsReading || _pumpRunning)
            return;
        Loop.StartDetached(static s => ((TlsProtocolTransport)s).ReadPumpAsync(), this);
    }

    public override void PauseReading()
    {
        Loop.CheckThread(nameof(PauseReading));
        _paused = true;
    }

    public override void ResumeReading()
    {
        Loop.CheckThread(nameof(ResumeReading));
        if (!_paused)
            return;
        _paused = false;
        StartReading();
    }

    private async Task ReadPumpAsync()
    {
        _pumpRunning = true;
        try
        {
            while (IsReading)
            {
                Loop.ProbedWaitStarted(this);
                try
                {
                    // Wait for a record with no buffer (SslStream decrypts it into its own):
                    // an idle connection holds none.
                    _receive = _tls.ReadAsync(Memory<byte>.Empty);
                    await _receive;
                }
                catch (Exception exception)
                {
                    // asyncio's _fatal_error: an OSError (an SSLError too) is not reported.
                    if (!_closing)
                        LoseConnection(exception);
                    return;
                }
                finally
                {
                    Loop.ProbedWaitEnded(this);
                    _receive = default;
                }
                // Paused or closed while waiting: the record stays in the SslStream for later.
                if (!IsReading)
                    return;
                if (!await ReadReadyAsync())
                    return;
            }
        }
        finally
        {
            _pumpRunning = false;
        }
    }

    /// <summary>asyncio's <c>SSLProtocol._do_read</c>: hands what was decrypted to the protocol; false when the connection ends.</summary>
    private async ValueTask<bool> ReadReadyAsync()
    {
        byte[]? rented = null;
        Memory<byte> buffer;
        try
        {
            if (_buffered is not null)
            {
                buffer = _buffered.GetBuffer(-1);
                if (buffer.IsEmpty)
                    throw Internal.ThrowHelper.EmptyGetBufferError();
            }
            else
            {
                buffer = rented = Buffers.Rent(ReceiveBufferSize);
            }
        }
        catch (Exception exception)
        {
            ProtocolFailed(exception, "Fatal error on SSL protocol");
            return false;
        }
        try
        {
            int received;
            Loop.ProbedWaitStarted(this);
            try
            {
                // Completes at once with the record just decrypted; it waits only when that
                // record held no data (a TLS 1.3 session ticket).
                _receive = _tls.ReadAsync(buffer);
                received = await _receive;
            }
            catch (Exception exception)
            {
                if (!_closing)
                    LoseConnection(exception);
                return false;
            }
            finally
            {
                Loop.ProbedWaitEnded(this);
                _receive = default;
            }
            if (_closing)
                return false;
            if (received == 0)
            {
                EofReceived();
                return false;
            }
            try
            {
                if (_plain is not null)
                    _plain.DataReceived(rented.AsSpan(0, received));
                else
                    _buffered!.BufferUpdated(received);
            }
            catch (Exception exception)
            {
                ProtocolFailed(exception, "Fatal error on SSL protocol");
                return false;
            }
            return true;
        }
        finally
        {
            if (rented is not null)
                Buffers.Return(rented);
        }
    }

    /// <summary>asyncio's <c>_call_eof_received</c> then <c>_start_shutdown</c>: the protocol hears of the EOF, and the transport closes whatever it answers.</summary>
    private void EofReceived()
    {
        try
        {
            // asyncio only logs "returning true from eof_received() has no effect when using ssl".
            _ = _plain is not null ? _plain.EofReceived() : _buffered!.EofReceived();
        }
        catch (Exception exception)
        {
            ProtocolFailed(exception, "Error calling eof_received()");
            return;
        }
        CloseCore();
    }

    // ---- writing -----------------------------------------------------------------------------

    public override void Write(ReadOnlySpan<byte> data)
    {
        Loop.CheckThread(nameof(Write));
        // asyncio's _write_appdata: dropped once closing (FLUSHING, SHUTDOWN, UNWRAPPED).
        if (data.IsEmpty || _closing)
            return;
        _io.Write(data);
        MaybePauseProtocol();
    }

    public override void WriteEof()
    {
        Loop.CheckThread(nameof(WriteEof));
        throw new NotSupportedException("SSL doesn't support half-closes");
    }

    public override int WriteBufferSize => _io.WriteBufferSize;

    public override (int Low, int High) GetWriteBufferLimits() => (_io.LowWater, _io.HighWater);

    public override void SetWriteBufferLimits(int? high = null, int? low = null)
    {
        Loop.CheckThread(nameof(SetWriteBufferLimits));
        _io.SetWriteBufferLimits(high, low);
        MaybePauseProtocol();
    }

    /// <summary>asyncio's <c>_control_app_writing</c>: pause_writing when the socket transport's buffer crossed its high-water mark, resume_writing once it drained to the low one.</summary>
    private void MaybePauseProtocol()
    {
        if (_protocolPaused || !_io.WritePaused)
            return;
        _protocolPaused = true;
        ProtocolCalls.PauseWriting(Loop, _protocol);
        Loop.StartDetached(static s => ((TlsProtocolTransport)s).ResumeProtocolWhenDrainedAsync(), this);
    }

    private async Task ResumeProtocolWhenDrainedAsync()
    {
        try
        {
            await _io.DrainHelperAsync();
        }
        catch (Exception)
        {
            return; // lost: connection_lost tells the protocol
        }
        if (_io.IsLost || !_protocolPaused)
            return;
        _protocolPaused = false;
        ProtocolCalls.ResumeWriting(Loop, _protocol);
    }

    // ---- closing -----------------------------------------------------------------------------

    public override void Close()
    {
        Loop.CheckThread(nameof(Close));
        CloseCore();
    }

    /// <summary>asyncio's <c>_start_shutdown</c>: stop reading, send what is buffered, then close (with a FIN; no close_notify, as the streams).</summary>
    private void CloseCore()
    {
        if (_closing)
            return;
        _closing = true;
        _io.Close();
    }

    public override void Abort()
    {
        Loop.CheckThread(nameof(Abort));
        _closing = true;
        _io.Abort();
    }

    /// <summary>asyncio's <c>_fatal_error</c> for an exception of the protocol's own: reported, then the connection is dropped with it.</summary>
    private void ProtocolFailed(Exception exception, string message)
    {
        Loop.CallExceptionHandler(new ExceptionContext(message) { Exception = exception });
        LoseConnection(exception);
    }

    /// <summary>asyncio's <c>_force_close(exc)</c>: drop the buffer and the socket now; the protocol hears of it in a later callback.</summary>
    private void LoseConnection(Exception exception)
    {
        _closing = true;
        // A reset under the session comes wrapped by SslStream; the protocol gets the socket's
        // error, as from a plain transport (asyncio's ConnectionResetError either way).
        _io.ConnectionLost(exception is IOException { InnerException: SocketException socketError } ? socketError : exception);
    }

    /// <summary>The socket transport lost the connection (closed, aborted, or broken) and closed the socket: the protocol hears of it in the next iteration, as asyncio's <c>call_soon(connection_lost)</c>.</summary>
    private void OnConnectionLost()
    {
        _closing = true;
        var exception = _io.ClosedFuture.Exception();
        Loop.CallSoon(static s =>
        {
            var (self, exception) = ((TlsProtocolTransport, Exception?))s!;
            try
            {
                self._protocol.ConnectionLost(exception);
            }
            finally
            {
                self.OnLost?.Invoke(self);
            }
        }, (object)(this, exception));
    }

    /// <summary>asyncio's repr of the SSL transport, without the address: <c>&lt;SSLProtocolTransport closing read=polling write=&lt;bufsize=0&gt;&gt;</c>.</summary>
    public override string ToString()
    {
        string state = _io.IsLost ? " closed" : _closing ? " closing" : "";
        return $"<SSLProtocolTransport{state} read={(IsReading ? "polling" : "idle")} write=<bufsize={WriteBufferSize}>>";
    }
}
