using System.Net.Security;
using System.Net.Sockets;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>A <see cref="StreamTransport"/> over a connected stream <see cref="Socket"/> (TCP or Unix domain), plain or under TLS.</summary>
/// <remarks>
/// <para>A plain socket on Linux waits on the loop's own epoll selector (<see cref="ReadinessWait"/>)
/// and sends and receives without blocking on the loop thread, as asyncio's selector transport
/// does: no completion crosses a thread. Elsewhere, and under TLS, .NET's socket engine and
/// <see cref="SslStream"/> do the waiting and their completions come back through the inbox.</para>
/// <para>Under TLS the bytes go through an <see cref="SslStream"/> over the socket; the socket still
/// answers the virtual clock's probe and <c>GetExtraInfo</c>. <see cref="StartTlsAsync"/>
/// upgrades a plain connection in place, so its reader and writer stay the same objects.</para>
/// </remarks>
internal sealed class SocketTransport : PumpedStreamTransport, IOwnedDescriptor
{
    private readonly Socket _socket;
    private SslStream? _tls;
    // While a start_tls handshake runs: receives wait for it from the start, sends once the plain
    // bytes written before it are out, so that no byte of the handshake is read or written as data.
    private Task? _receiveGate;
    private Task? _sendGate;

    // The loop's readiness of the socket, for a plain connection where epoll exists; null otherwise.
    private readonly ReadinessWait? _readable;
    private readonly ReadinessWait? _writable;

    /// <param name="loop">The loop.</param>
    /// <param name="socket">The connected socket.</param>
    /// <param name="reader">The reader the receives feed; null: nothing is received here (a protocol's TLS transport reads the SslStream itself).</param>
    /// <param name="tls">The session over the socket, its handshake done; null: plain.</param>
    public SocketTransport(EventLoop loop, Socket socket, LoopStreamReader? reader, SslStream? tls = null) : base(loop, reader)
    {
        _socket = socket;
        _tls = tls;
        if (tls is null && loop.Selector is { } selector)
        {
            socket.Blocking = false; // a would-block comes back as an error code, never blocks the loop
            int fd = (int)socket.SafeHandle.DangerousGetHandle();
            _readable = new ReadinessWait(loop, selector, fd, write: false, owner: this);
            _writable = new ReadinessWait(loop, selector, fd, write: true, owner: this);
        }
    }

    // Until start_tls: from then on the bytes go through the SslStream.
    private bool UsesSelector => _readable is not null && _tls is null;

    public Socket Socket => _socket;

    public bool IsTls => _tls is not null;

    /// <summary>The TLS options the session was made with: <c>GetExtraInfo("sslcontext")</c>, the nearest thing .NET has to asyncio's <c>SSLContext</c>.</summary>
    public object? SslOptions { get; set; }

    // A socket's zero-byte receive completes when data or EOF arrives, and consumes nothing;
    // so does an SslStream's (it reads the next record into its own buffer).
    protected override bool WaitsForDataWithoutBuffer => true;

    protected override ValueTask<int> ReceiveAsync(Memory<byte> buffer)
    {
        if (_receiveGate is not null)
            return ReceiveAfterGateAsync(buffer);
        if (UsesSelector)
            return buffer.IsEmpty ? _readable!.WaitAsync() : ReceiveNow(buffer);
        return _tls is null ? _socket.ReceiveAsync(buffer, SocketFlags.None) : _tls.ReadAsync(buffer);
    }

    /// <summary>asyncio's <c>_read_ready</c>: one non-blocking receive, waiting for readiness only if nothing is there.</summary>
    private ValueTask<int> ReceiveNow(Memory<byte> buffer)
    {
        int received = _socket.Receive(buffer.Span, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success => new ValueTask<int>(received),
            SocketError.WouldBlock => ReceiveWhenReadableAsync(buffer),
            _ => ValueTask.FromException<int>(new SocketException((int)error)),
        };
    }

    private async ValueTask<int> ReceiveWhenReadableAsync(Memory<byte> buffer)
    {
        await _readable!.WaitAsync();
        return await ReceiveNow(buffer);
    }

    private async ValueTask<int> ReceiveAfterGateAsync(Memory<byte> buffer)
    {
        await _receiveGate!;
        return await ReceiveAsync(buffer);
    }

    // Readable: bytes, the peer's FIN, or an error are there for the receive to take.
    protected override bool HasBytesWaiting => _socket.Available > 0 || _socket.Poll(0, SelectMode.SelectRead);

    protected override async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        if (_sendGate is not null)
            await _sendGate;
        if (UsesSelector)
        {
            // asyncio's _write_ready: send what the socket takes, wait for room for the rest.
            while (!data.IsEmpty)
            {
                int sent = _socket.Send(data.Span, SocketFlags.None, out var error);
                if (error == SocketError.Success)
                    data = data[sent..];
                else if (error == SocketError.WouldBlock)
                    await _writable!.WaitAsync();
                else
                    throw new SocketException((int)error);
            }
            return;
        }
        if (_tls is not null)
        {
            await _tls.WriteAsync(data).ConfigureAwait(false);
            return;
        }
        while (!data.IsEmpty)
        {
            int sent = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    /// <summary>asyncio's <c>write()</c>: with nothing queued, try the socket at once and queue only the rest.</summary>
    protected override int TrySendNow(ReadOnlySpan<byte> data)
    {
        if (!UsesSelector || _sendGate is not null)
            return 0;
        int sent = _socket.Send(data, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success => sent,
            SocketError.WouldBlock => 0,
            _ => throw new SocketException((int)error),
        };
    }

    protected override void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    protected override void CloseResource(bool abortive)
    {
        // No close_notify: SslStream's is asynchronous and connection_lost is not; the peer sees
        // the FIN below, which .NET and OpenSSL read as the end of the stream.
        _tls?.Dispose();
        // Unwatched before the socket closes, so that its descriptor number, once reused, is
        // not watched for us; a pump waiting on it ends.
        _readable?.Close();
        _writable?.Close();
        if (!abortive)
        {
            // .NET closes a socket with an operation pending (our receive) abortively, with an
            // RST, unless it was shut down first: asyncio's close() is a FIN.
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
    }

    // asyncio's _SSLProtocolTransport.can_write_eof(): TLS has no half-close.
    public override bool CanWriteEof => _tls is null;

    public override object? GetExtraInfo(string name) => name switch
    {
        "ssl_object" => _tls,
        "peercert" => _tls?.RemoteCertificate,
        "cipher" => _tls?.NegotiatedCipherSuite,
        "sslcontext" => _tls is null ? null : SslOptions,
        "peername" => SafeEndPoint(remote: true),
        "sockname" => SafeEndPoint(remote: false),
        "socket" => _socket,
        _ => null,
    };

    /// <summary>asyncio's <c>loop.start_tls(transport, protocol, sslcontext)</c> on this connection: the same reader and writer go on over TLS.</summary>
    /// <remarks>
    /// As asyncio's <c>StreamWriter.start_tls</c>: the plain bytes already written are sent
    /// first; reading stops at the call (the peer is expected to wait for our side before its
    /// handshake starts, as in STARTTLS protocols). A failed handshake closes the connection:
    /// the reader gets the error, as asyncio closes the transport.
    /// </remarks>
    public async Task StartTlsAsync(SslClientAuthenticationOptions? client, SslServerAuthenticationOptions? server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var receiving = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiveGate = receiving.Task;
        try
        {
            // Drain to zero: what was written before the call leaves as plain bytes.
            var (low, high) = (LowWater, HighWater);
            SetWriteBufferLimits(0, 0);
            try
            {
                await DrainHelperAsync(cancellationToken);
            }
            finally
            {
                if (!IsLost)
                    SetWriteBufferLimits(high, low);
            }
            _sendGate = sending.Task;
            _socket.Blocking = true; // NetworkStream under the SslStream refuses a non-blocking socket; the loop no longer calls the socket itself
            _tls = await TlsHandshake.AuthenticateAsync(Loop, _socket, client, server, timeout, cancellationToken);
            SslOptions = (object?)client ?? server;
        }
        catch (Exception exception)
        {
            _receiveGate = _sendGate = null;
            receiving.TrySetException(exception);
            sending.TrySetException(exception);
            _ = receiving.Task.Exception; // observed: the pumps may not be waiting at the gates
            _ = sending.Task.Exception;
            ConnectionLost(exception);
            throw;
        }
        _receiveGate = _sendGate = null;
        receiving.TrySetResult();
        sending.TrySetResult();
    }

    private object? SafeEndPoint(bool remote)
    {
        try
        {
            return remote ? _socket.RemoteEndPoint : _socket.LocalEndPoint;
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            return null;
        }
    }
}

/// <summary>A one-way <see cref="StreamTransport"/> over a .NET <see cref="Stream"/>: a subprocess pipe.</summary>
internal sealed class PipeTransport : PumpedStreamTransport
{
    private readonly Stream _stream;

    public PipeTransport(EventLoop loop, Stream stream, LoopStreamReader? reader) : base(loop, reader)
    {
        _stream = stream;
    }

    protected override ValueTask<int> ReceiveAsync(Memory<byte> buffer) => _stream.ReadAsync(buffer);

    protected override async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        await _stream.WriteAsync(data).ConfigureAwait(false);
        await _stream.FlushAsync().ConfigureAwait(false);
    }

    // A pipe has no half-close: closing the write end is the EOF the other side sees.
    protected override void ShutdownSend() => _stream.Dispose();

    protected override void CloseResource(bool abortive) => _stream.Dispose();

    public override bool CanWriteEof => true;

    public override object? GetExtraInfo(string name) => name == "pipe" ? _stream : null;

    // asyncio's _UnixReadPipeTransport closes itself at EOF.
    protected override bool CloseOnEof => true;
}
