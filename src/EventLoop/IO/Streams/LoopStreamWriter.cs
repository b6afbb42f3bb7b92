using Asyncio.Internal;

namespace Asyncio;

/// <summary>Writes bytes to a connection or a pipe, with flow control: asyncio's <c>StreamWriter</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.StreamWriter</c>, made by <see cref="StreamEndpoints.OpenConnectionAsync(EventLoop, string, int, int, TimeSpan?, int?, CancellationToken)"/>,
/// <see cref="StreamEndpoints.StartServerAsync(EventLoop, Func{LoopStreamReader, LoopStreamWriter, Task}, string?, int, int, int, bool?, bool, CancellationToken)"/> and the subprocess pipes.</para>
/// <para><see cref="Write(ReadOnlySpan{byte})"/> never blocks: it copies the bytes into the
/// transport's buffer, which sends them in order. Once more than the high-water mark (64 KiB by
/// default) is buffered, <see cref="DrainAsync"/> waits until the buffer is down to the low-water
/// mark (16 KiB), as asyncio's <c>FlowControlMixin</c>: write, then <c>await DrainAsync()</c>.</para>
/// <para>Loop-affine, not thread-safe: while its loop runs, every method called from another
/// thread throws <see cref="InvalidOperationException"/> before anything is buffered or
/// closed. Differs from asyncio: errors are the
/// <see cref="System.Net.Sockets.SocketException"/> the socket reported; asyncio's
/// <c>ConnectionResetError('Connection lost')</c> is a SocketException with
/// <see cref="System.Net.Sockets.SocketError.ConnectionReset"/>. Writes after <see cref="Close"/> are dropped.</para>
/// </remarks>
public sealed class LoopStreamWriter
{
    // Replaced once by start_tls, as asyncio's StreamWriter.start_tls replaces its transport.
    private StreamTransport _transport;
    private readonly LoopStreamReader? _reader;

    internal LoopStreamWriter(StreamTransport transport, LoopStreamReader? reader)
    {
        _transport = transport;
        _reader = reader;
    }

    internal StreamTransport Transport => _transport;

    /// <summary>The loop the writer belongs to.</summary>
    public EventLoop Loop => _transport.Loop;

    /// <summary>Queues <paramref name="data"/> for sending: asyncio's <c>writer.write(data)</c>.</summary>
    /// <remarks>asyncio: <c>writer.write(data)</c>. Throws <see cref="InvalidOperationException"/> after <see cref="WriteEof"/> ("Cannot call write() after write_eof()").</remarks>
    public void Write(ReadOnlySpan<byte> data)
    {
        _transport.Loop.CheckThread(nameof(Write));
        _transport.Write(data);
    }

    /// <summary>Queues <paramref name="data"/> for sending: asyncio's <c>writer.write(data)</c>.</summary>
    /// <remarks>asyncio: <c>writer.write(data)</c>; see <see cref="Write(ReadOnlySpan{byte})"/>.</remarks>
    public void Write(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Write(data.AsSpan());
    }

    /// <summary>Queues each buffer in turn (no separator is added): asyncio's <c>writer.writelines(data)</c>.</summary>
    /// <remarks>asyncio: <c>writer.writelines(data)</c>. Check first: a <see langword="null"/> buffer anywhere in <paramref name="data"/> throws before any buffer is queued.</remarks>
    public void WriteLines(IEnumerable<byte[]> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _transport.Loop.CheckThread(nameof(WriteLines));
        var chunks = data.ToArray();
        foreach (var chunk in chunks)
        {
            if (chunk is null)
                throw new ArgumentException("A buffer in data is null.", nameof(data));
        }
        foreach (var chunk in chunks)
            _transport.Write(chunk);
    }

    /// <summary>Closes the sending side once the buffer is sent; reading goes on: asyncio's <c>writer.write_eof()</c>.</summary>
    /// <remarks>asyncio: <c>writer.write_eof()</c>. A TLS connection or a wrapped <see cref="Stream"/> cannot half-close (<see cref="CanWriteEof"/> is false): <see cref="NotSupportedException"/>, as asyncio's <c>NotImplementedError("SSL doesn't support half-closes")</c>.</remarks>
    public void WriteEof()
    {
        _transport.Loop.CheckThread(nameof(WriteEof));
        if (!_transport.CanWriteEof)
            throw new NotSupportedException(_transport is SocketTransport ? "SSL doesn't support half-closes" : DuplexStreamTransport.NoHalfClose);
        _transport.WriteEof();
    }

    /// <summary>Whether <see cref="WriteEof"/> is supported: asyncio's <c>writer.can_write_eof()</c>.</summary>
    public bool CanWriteEof => _transport.CanWriteEof;

    /// <summary>Bytes buffered and not yet sent: asyncio's <c>transport.get_write_buffer_size()</c>.</summary>
    public int WriteBufferSize => _transport.WriteBufferSize;

    /// <summary>Sets the high- and low-water marks of flow control: asyncio's <c>transport.set_write_buffer_limits(high, low)</c>.</summary>
    /// <remarks>asyncio: defaults 64 KiB and a quarter of the high mark; high below low throws <see cref="ArgumentException"/>.</remarks>
    /// <exception cref="ArgumentException">The marks are negative, high is below low, or the default high (4 × low) would not fit an <see cref="int"/>; nothing changes.</exception>
    public void SetWriteBufferLimits(int? high = null, int? low = null)
    {
        _transport.Loop.CheckThread(nameof(SetWriteBufferLimits));
        _transport.SetWriteBufferLimits(high, low);
    }

    /// <summary>The (low, high) water marks: asyncio's <c>transport.get_write_buffer_limits()</c>.</summary>
    public (int Low, int High) GetWriteBufferLimits() => (_transport.LowWater, _transport.HighWater);

    /// <summary>Waits until the buffer is down to the low-water mark, when it went over the high one: asyncio's <c>await writer.drain()</c>.</summary>
    /// <remarks>
    /// asyncio: <c>writer.drain()</c>. Returns at once when writing is not paused. Throws the
    /// reader's exception if the connection failed, and a <see cref="System.Net.Sockets.SocketException"/>
    /// (<c>ConnectionReset</c>) once the connection is lost. Cancelling the waiting task cancels
    /// only the wait.
    /// </remarks>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread; the buffer is untouched. Not looked at when the call does not wait.</param>
    public Task DrainAsync(CancellationToken cancellationToken = default)
    {
        var transport = _transport;
        transport.Loop.CheckThread(nameof(DrainAsync));
        if (_reader?.Exception is null && !transport.IsClosing && !transport.WritePaused)
            return Task.CompletedTask;
        return DrainSlowAsync(cancellationToken);
    }

    private async Task DrainSlowAsync(CancellationToken cancellationToken)
    {
        if (_reader?.Exception is { } exception)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
        if (_transport.IsClosing)
        {
            // asyncio: yield, so that a connection_lost already scheduled runs first and the
            // drain below raises instead of waiting forever.
            await _transport.Loop.Sleep(0);
        }
        await _transport.DrainHelperAsync(cancellationToken);
    }

    /// <summary>Upgrades the connection to TLS as the client; the same reader and writer go on over it: asyncio's <c>await writer.start_tls(sslcontext, server_hostname=)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>StreamWriter.start_tls(sslcontext, *, server_hostname=None, ssl_handshake_timeout=None)</c> (3.11).</para>
    /// <para>The bytes written before the call are sent first, as plain bytes; reading stops at
    /// the call, so the peer must wait for this side before its handshake, as STARTTLS
    /// protocols do. A failed handshake closes the connection and throws its error (the reader
    /// then throws it too); a handshake longer than <paramref name="sslHandshakeTimeout"/> of
    /// loop time throws <see cref="TimeoutException"/> with asyncio's message ("SSL handshake is
    /// taking longer than 60.0 seconds: aborting the connection"; asyncio's
    /// <c>ConnectionAbortedError</c>). Check first: a connection that is closing, already TLS, or
    /// not a socket (a subprocess pipe, a wrapped stream) throws
    /// <see cref="InvalidOperationException"/> before anything changes.</para>
    /// <para>Differs from asyncio: <see cref="System.Net.Security.SslClientAuthenticationOptions.TargetHost"/> is the <c>server_hostname</c>.</para>
    /// </remarks>
    /// <param name="sslOptions">The client's TLS options (target host, certificate validation).</param>
    /// <param name="sslHandshakeTimeout">How long the handshake may take; 60 seconds when omitted; must be positive.</param>
    /// <param name="cancellationToken">Ends the handshake with <see cref="OperationCanceledException"/> when it fires, from any thread; the connection is closed.</param>
    public Task StartTlsAsync(System.Net.Security.SslClientAuthenticationOptions sslOptions, TimeSpan? sslHandshakeTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sslOptions);
        return StartTlsCoreAsync(sslOptions, null, sslHandshakeTimeout, cancellationToken);
    }

    /// <summary>Upgrades the connection to TLS as the server; the same reader and writer go on over it: asyncio's <c>await writer.start_tls(sslcontext)</c> on a server's connection.</summary>
    /// <remarks>asyncio: <c>StreamWriter.start_tls(sslcontext, ssl_handshake_timeout=None)</c> (3.11); see <see cref="StartTlsAsync(System.Net.Security.SslClientAuthenticationOptions, TimeSpan?, CancellationToken)"/>.</remarks>
    /// <param name="sslOptions">The server's TLS options (its certificate).</param>
    /// <param name="sslHandshakeTimeout">How long the handshake may take; 60 seconds when omitted; must be positive.</param>
    /// <param name="cancellationToken">Ends the handshake with <see cref="OperationCanceledException"/> when it fires, from any thread; the connection is closed.</param>
    public Task StartTlsAsync(System.Net.Security.SslServerAuthenticationOptions sslOptions, TimeSpan? sslHandshakeTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sslOptions);
        return StartTlsCoreAsync(null, sslOptions, sslHandshakeTimeout, cancellationToken);
    }

    private Task StartTlsCoreAsync(System.Net.Security.SslClientAuthenticationOptions? client, System.Net.Security.SslServerAuthenticationOptions? server, TimeSpan? sslHandshakeTimeout, CancellationToken cancellationToken)
    {
        var timeout = TlsHandshake.CheckTimeout(sslHandshakeTimeout);
        _transport.Loop.CheckThread(nameof(StartTlsAsync));
        // asyncio's loop.start_tls: "transport ... is not supported by start_tls()".
        if (_transport is SocketTransport)
            throw new InvalidOperationException("The connection is already TLS");
        if (_transport is not ProtocolStreamTransport plain)
            throw ThrowHelper.StartTlsUnsupportedError(_transport.GetType().Name);
        if (plain.IsClosing)
            throw new InvalidOperationException("The connection is closing");
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled(cancellationToken);
        return StartTlsOnAsync(plain, client, server, timeout, cancellationToken);
    }

    private async Task StartTlsOnAsync(ProtocolStreamTransport plain, System.Net.Security.SslClientAuthenticationOptions? client, System.Net.Security.SslServerAuthenticationOptions? server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var upgraded = await plain.StartTlsAsync(client, server, timeout, cancellationToken);
        upgraded.SslOptions = (object?)client ?? server;
        _transport = upgraded;
    }

    /// <summary>Closes the connection once the buffer is sent: asyncio's <c>writer.close()</c>.</summary>
    /// <remarks>asyncio: <c>writer.close()</c>. Idempotent; await <see cref="WaitClosedAsync"/> to know when it is closed.</remarks>
    public void Close()
    {
        _transport.Loop.CheckThread(nameof(Close));
        _transport.Close();
    }

    /// <summary>Closes the connection now, dropping what is buffered: asyncio's <c>transport.abort()</c>.</summary>
    public void Abort()
    {
        _transport.Loop.CheckThread(nameof(Abort));
        _transport.Abort();
    }

    /// <summary>Whether <see cref="Close"/> was called or the connection is lost: asyncio's <c>writer.is_closing()</c>.</summary>
    public bool IsClosing => _transport.IsClosing;

    /// <summary>Waits until the connection is closed: asyncio's <c>await writer.wait_closed()</c>.</summary>
    /// <remarks>asyncio: <c>writer.wait_closed()</c>. Throws the error that broke the connection, if any.</remarks>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread; the connection is left as it is.</param>
    public Task WaitClosedAsync(CancellationToken cancellationToken = default)
    {
        _transport.Loop.CheckThread(nameof(WaitClosedAsync));
        var closed = _transport.ClosedFuture;
        if (closed.Done || !cancellationToken.CanBeCanceled)
            return WaitClosedCoreAsync(closed);
        return WaitClosedCoreAsync(_transport.Loop.Shield(closed), cancellationToken);
    }

    private static async Task WaitClosedCoreAsync(Future closed) => await closed;

    private static async Task WaitClosedCoreAsync(Future shielded, CancellationToken cancellationToken)
    {
        using var registration = Internal.TokenCancellation.Register(shielded, cancellationToken);
        await shielded;
    }

    /// <summary>Information about the connection: asyncio's <c>writer.get_extra_info(name, default=None)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>writer.get_extra_info(name, default)</c>. Sockets know <c>"peername"</c>
    /// and <c>"sockname"</c> (an <see cref="System.Net.EndPoint"/>) and <c>"socket"</c> (the
    /// <see cref="System.Net.Sockets.Socket"/>); subprocess pipes know <c>"pipe"</c>; TLS
    /// connections know <c>"ssl_object"</c> (the <see cref="System.Net.Security.SslStream"/>),
    /// <c>"peercert"</c> (the peer's certificate), <c>"cipher"</c> (the negotiated
    /// <see cref="System.Net.Security.TlsCipherSuite"/>) and <c>"sslcontext"</c> (the
    /// <see cref="System.Net.Security.SslClientAuthenticationOptions"/> or
    /// <see cref="System.Net.Security.SslServerAuthenticationOptions"/> it was made with); a
    /// wrapped stream knows <c>"stream"</c>.</para>
    /// <para>Differs from asyncio: addresses are <see cref="System.Net.IPEndPoint"/> or
    /// <see cref="System.Net.Sockets.UnixDomainSocketEndPoint"/>, not tuples or strings;
    /// <c>"cipher"</c> is the suite, not the (name, version, bits) tuple; <c>"sslcontext"</c>
    /// is the options object (.NET has no <c>SSLContext</c>).</para>
    /// </remarks>
    public object? GetExtraInfo(string name, object? defaultValue = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        _transport.Loop.CheckThread(nameof(GetExtraInfo));
        return _transport.GetExtraInfo(name) ?? defaultValue;
    }

    /// <summary>asyncio's repr: <c>&lt;LoopStreamWriter transport=… reader=…&gt;</c>.</summary>
    public override string ToString() =>
        $"<LoopStreamWriter transport={_transport.GetType().Name}{(_transport.IsClosing ? " closing" : "")}{(_reader is null ? "" : " reader=" + _reader)}>";
}
