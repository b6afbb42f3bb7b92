using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace Asyncio;

/// <summary>Connections and servers that drive protocols: asyncio's <c>loop.create_connection()</c>, <c>loop.create_server()</c> and their Unix twins.</summary>
/// <remarks>
/// Extension methods, so that <c>loop.CreateConnectionAsync(...)</c> reads as asyncio's
/// <c>loop.create_connection(...)</c>. Each checks its arguments, the loop and the thread before
/// any lookup or socket. Errors are the <see cref="SocketException"/> of .NET: asyncio's
/// <c>ConnectionRefusedError</c> is <see cref="SocketError.ConnectionRefused"/>.
/// </remarks>
public static class ProtocolEndpoints
{
    /// <summary>Opens a TCP connection driven by the protocol <paramref name="protocolFactory"/> makes: asyncio's <c>await loop.create_connection(protocol_factory, host, port)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>loop.create_connection(protocol_factory, host, port, happy_eyeballs_delay=, interleave=)</c>.</para>
    /// <para>The host is resolved (an IP literal is used as is) and each address tried in turn;
    /// when all fail the first error is thrown, and no socket is left open. The protocol is made
    /// once connected; the call returns after its <see cref="Protocol.ConnectionMade"/> has run.
    /// The protocol must be a <see cref="Protocol"/> or a <see cref="BufferedProtocol"/>.</para>
    /// <para>With <paramref name="happyEyeballsDelay"/> the addresses are tried staggered, as
    /// asyncio's <c>staggered_race</c>: the first to connect wins, the others are cancelled.</para>
    /// <para>Differs from asyncio: no <c>local_addr</c> or <c>sock</c> arguments; TLS is the overload that takes <see cref="SslClientAuthenticationOptions"/>.</para>
    /// </remarks>
    /// <typeparam name="TProtocol">The protocol's type, returned as is.</typeparam>
    /// <param name="loop">The loop to run on.</param>
    /// <param name="protocolFactory">Makes the protocol, once the connection is up.</param>
    /// <param name="host">The host name or IP literal.</param>
    /// <param name="port">The TCP port.</param>
    /// <param name="happyEyeballsDelay">asyncio's <c>happy_eyeballs_delay</c>: when set, the next address is tried this long after the previous attempt started (or at once when it failed), without waiting for it to end (RFC 8305; asyncio suggests 0.25 seconds); null: one address after the other.</param>
    /// <param name="interleave">asyncio's <c>interleave</c>: reorders the addresses by family, this many minus one of the first family first, then one of each family in turn; null: 1 with <paramref name="happyEyeballsDelay"/>, else none; 0: the resolver's order.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/>, from any thread, as cancelling the awaiting task would: what was opened so far is closed.</param>
    public static Task<(Transport Transport, TProtocol Protocol)> CreateConnectionAsync<TProtocol>(this EventLoop loop, Func<TProtocol> protocolFactory, string host, int port, TimeSpan? happyEyeballsDelay = null, int? interleave = null, CancellationToken cancellationToken = default)
        where TProtocol : BaseProtocol
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(protocolFactory);
        ArgumentNullException.ThrowIfNull(host);
        Ports.Check(port);
        loop.CheckClosed();
        loop.CheckThread(nameof(CreateConnectionAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<(Transport, TProtocol)>(cancellationToken);
        return CreateConnectionCoreAsync(loop, protocolFactory, host, port, happyEyeballsDelay, interleave, cancellationToken);
    }

    /// <summary>Opens a TLS connection over TCP driven by the protocol <paramref name="protocolFactory"/> makes: asyncio's <c>await loop.create_connection(protocol_factory, host, port, ssl=context)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>loop.create_connection(protocol_factory, host, port, ssl=, server_hostname=, ssl_handshake_timeout=, happy_eyeballs_delay=, interleave=)</c>.</para>
    /// <para>Connects as <see cref="CreateConnectionAsync{TProtocol}(EventLoop, Func{TProtocol}, string, int, TimeSpan?, int?, CancellationToken)"/>,
    /// makes the protocol, then runs the TLS handshake; the protocol's <c>ConnectionMade</c> runs
    /// only once the handshake succeeded, and the call returns after it. A handshake that fails
    /// throws its error (an <see cref="System.Security.Authentication.AuthenticationException"/>
    /// for a certificate the options reject, asyncio's <c>ssl.SSLCertVerificationError</c>); one
    /// longer than <paramref name="sslHandshakeTimeout"/> of loop time throws
    /// <see cref="TimeoutException"/> with asyncio's message ("SSL handshake is taking longer
    /// than 60.0 seconds: aborting the connection"). Either way the protocol, made already as in
    /// asyncio, hears nothing, and no socket stays open. Under virtual time the clock waits for
    /// the handshake while either side works, and reaches the timeout only while it waits on a
    /// silent peer.</para>
    /// <para>The transport behaves as asyncio's SSL transport: no half-close
    /// (<see cref="Transport.CanWriteEof"/> is false, <see cref="Transport.WriteEof"/> throws
    /// <see cref="NotSupportedException"/>); the peer's EOF calls <c>EofReceived</c> and then
    /// closes, whatever it returns; writes after <c>Close</c> are dropped.
    /// <c>GetExtraInfo</c> knows <c>"ssl_object"</c> (the <see cref="SslStream"/>),
    /// <c>"peercert"</c>, <c>"cipher"</c> (the <see cref="TlsCipherSuite"/>) and
    /// <c>"sslcontext"</c> (the options) besides the socket's names.</para>
    /// <para>Differs from asyncio: <paramref name="ssl"/>'s <see cref="SslClientAuthenticationOptions.TargetHost"/>
    /// is <c>server_hostname</c>; when it is not set, <paramref name="host"/> is used (on a copy:
    /// the options object is not changed). asyncio's <c>ConnectionAbortedError</c> on the timeout is a
    /// <see cref="TimeoutException"/>. Closing sends no TLS close_notify, only the TCP FIN, and does
    /// not wait for the peer's: <c>ConnectionLost</c> follows at once, where asyncio first runs
    /// the TLS shutdown and calls the closing side's <c>eof_received</c> when the peer answers.</para>
    /// </remarks>
    /// <typeparam name="TProtocol">The protocol's type, returned as is.</typeparam>
    /// <param name="loop">The loop to run on.</param>
    /// <param name="protocolFactory">Makes the protocol, once the connection is up (before the handshake, as asyncio).</param>
    /// <param name="host">The host name or IP literal.</param>
    /// <param name="port">The TCP port.</param>
    /// <param name="ssl">The client's TLS options: certificate validation, target host, protocols.</param>
    /// <param name="sslHandshakeTimeout">How long the handshake may take; 60 seconds when omitted (asyncio's default); must be positive.</param>
    /// <param name="happyEyeballsDelay">asyncio's <c>happy_eyeballs_delay</c>: when set, the next address is tried this long after the previous attempt started (or at once when it failed), without waiting for it to end (RFC 8305; asyncio suggests 0.25 seconds); null: one address after the other.</param>
    /// <param name="interleave">asyncio's <c>interleave</c>: reorders the addresses by family, this many minus one of the first family first, then one of each family in turn; null: 1 with <paramref name="happyEyeballsDelay"/>, else none; 0: the resolver's order.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/>, from any thread, as cancelling the awaiting task would: what was opened so far is closed.</param>
    public static Task<(Transport Transport, TProtocol Protocol)> CreateConnectionAsync<TProtocol>(this EventLoop loop, Func<TProtocol> protocolFactory, string host, int port, SslClientAuthenticationOptions ssl, TimeSpan? sslHandshakeTimeout = null, TimeSpan? happyEyeballsDelay = null, int? interleave = null, CancellationToken cancellationToken = default)
        where TProtocol : BaseProtocol
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(protocolFactory);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(ssl);
        Ports.Check(port);
        var timeout = TlsHandshake.CheckTimeout(sslHandshakeTimeout);
        loop.CheckClosed();
        loop.CheckThread(nameof(CreateConnectionAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<(Transport, TProtocol)>(cancellationToken);
        return CreateConnectionCoreAsync(loop, protocolFactory, host, port, happyEyeballsDelay, interleave, cancellationToken, ssl: TlsHandshake.WithTargetHost(ssl, host), sslHandshakeTimeout: timeout);
    }

    private static async Task<(Transport Transport, TProtocol Protocol)> CreateConnectionCoreAsync<TProtocol>(EventLoop loop, Func<TProtocol> protocolFactory, string host, int port, TimeSpan? happyEyeballsDelay, int? interleave, CancellationToken cancellationToken, IPAddress[]? addresses = null, TcpConnector.Attempt? attempt = null, SslClientAuthenticationOptions? ssl = null, TimeSpan sslHandshakeTimeout = default)
        where TProtocol : BaseProtocol
    {
        var socket = addresses is null
            ? await TcpConnector.ConnectAsync(loop, host, port, happyEyeballsDelay, interleave, cancellationToken)
            : await TcpConnector.ConnectAsync(loop, addresses, port, happyEyeballsDelay, interleave, cancellationToken, attempt);
        // A failed handshake fails the call: asyncio tries the next address only when the
        // connect itself fails.
        if (ssl is not null)
            return await MakeTlsTransportAsync(loop, socket, protocolFactory, ssl, sslHandshakeTimeout, cancellationToken);
        loop._openTransportCount--; // the transport counts it from here on
        return await MakeTransportAsync(loop, socket, protocolFactory, cancellationToken);
    }

    /// <summary>The tests' way in: <see cref="CreateConnectionAsync{TProtocol}(EventLoop, Func{TProtocol}, string, int, TimeSpan?, int?, CancellationToken)"/> over given addresses instead of a lookup, optionally with a fake connect.</summary>
    internal static Task<(Transport Transport, TProtocol Protocol)> CreateConnectionToAsync<TProtocol>(EventLoop loop, Func<TProtocol> protocolFactory, IPAddress[] addresses, int port, TimeSpan? happyEyeballsDelay, int? interleave, TcpConnector.Attempt? attempt = null, CancellationToken cancellationToken = default)
        where TProtocol : BaseProtocol =>
        CreateConnectionCoreAsync(loop, protocolFactory, "", port, happyEyeballsDelay, interleave, cancellationToken, addresses, attempt);

    /// <summary>Opens a Unix domain socket connection driven by a protocol: asyncio's <c>await loop.create_unix_connection(protocol_factory, path)</c>.</summary>
    /// <remarks>asyncio: <c>loop.create_unix_connection(protocol_factory, path)</c>; otherwise as <see cref="CreateConnectionAsync{TProtocol}(EventLoop, Func{TProtocol}, string, int, TimeSpan?, int?, CancellationToken)"/>.</remarks>
    /// <typeparam name="TProtocol">The protocol's type, returned as is.</typeparam>
    /// <param name="loop">The loop to run on.</param>
    /// <param name="protocolFactory">Makes the protocol, once the connection is up.</param>
    /// <param name="path">The Unix domain socket path.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/>, from any thread: what was opened so far is closed.</param>
    public static Task<(Transport Transport, TProtocol Protocol)> CreateUnixConnectionAsync<TProtocol>(this EventLoop loop, Func<TProtocol> protocolFactory, string path, CancellationToken cancellationToken = default)
        where TProtocol : BaseProtocol
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(protocolFactory);
        ArgumentException.ThrowIfNullOrEmpty(path);
        loop.CheckClosed();
        loop.CheckThread(nameof(CreateUnixConnectionAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<(Transport, TProtocol)>(cancellationToken);
        return CreateUnixConnectionCoreAsync(loop, protocolFactory, path, cancellationToken);
    }

    /// <summary>Opens a TLS connection over a Unix domain socket driven by a protocol: asyncio's <c>await loop.create_unix_connection(protocol_factory, path, ssl=context, server_hostname=)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>loop.create_unix_connection(protocol_factory, path, ssl=, server_hostname=, ssl_handshake_timeout=)</c>;
    /// the handshake, its errors and the transport as <see cref="CreateConnectionAsync{TProtocol}(EventLoop, Func{TProtocol}, string, int, SslClientAuthenticationOptions, TimeSpan?, TimeSpan?, int?, CancellationToken)"/>.</para>
    /// <para>A path has no host name to default to: as asyncio requires <c>server_hostname</c>,
    /// <paramref name="ssl"/>'s <see cref="SslClientAuthenticationOptions.TargetHost"/> must be
    /// set (the empty string checks no name), else <see cref="ArgumentException"/> "you have to
    /// pass server_hostname when using ssl" at the call.</para>
    /// </remarks>
    /// <typeparam name="TProtocol">The protocol's type, returned as is.</typeparam>
    /// <param name="loop">The loop to run on.</param>
    /// <param name="protocolFactory">Makes the protocol, once the connection is up (before the handshake, as asyncio).</param>
    /// <param name="path">The Unix domain socket path.</param>
    /// <param name="ssl">The client's TLS options: certificate validation, target host (required), protocols.</param>
    /// <param name="sslHandshakeTimeout">How long the handshake may take; 60 seconds when omitted (asyncio's default); must be positive.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/>, from any thread: what was opened so far is closed.</param>
    public static Task<(Transport Transport, TProtocol Protocol)> CreateUnixConnectionAsync<TProtocol>(this EventLoop loop, Func<TProtocol> protocolFactory, string path, SslClientAuthenticationOptions ssl, TimeSpan? sslHandshakeTimeout = null, CancellationToken cancellationToken = default)
        where TProtocol : BaseProtocol
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(protocolFactory);
        ArgumentException.ThrowIfNullOrEmpty(path);
        TlsHandshake.CheckServerHostname(ssl);
        var timeout = TlsHandshake.CheckTimeout(sslHandshakeTimeout);
        loop.CheckClosed();
        loop.CheckThread(nameof(CreateUnixConnectionAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<(Transport, TProtocol)>(cancellationToken);
        return CreateUnixConnectionCoreAsync(loop, protocolFactory, path, cancellationToken, ssl, timeout);
    }

    private static async Task<(Transport Transport, TProtocol Protocol)> CreateUnixConnectionCoreAsync<TProtocol>(EventLoop loop, Func<TProtocol> protocolFactory, string path, CancellationToken cancellationToken, SslClientAuthenticationOptions? ssl = null, TimeSpan sslHandshakeTimeout = default)
        where TProtocol : BaseProtocol
    {
        var socket = await StreamEndpoints.ConnectUnixAsync(loop, path, cancellationToken);
        if (ssl is not null)
            return await MakeTlsTransportAsync(loop, socket, protocolFactory, ssl, sslHandshakeTimeout, cancellationToken);
        loop._openTransportCount--; // the transport counts it from here on
        return await MakeTransportAsync(loop, socket, protocolFactory, cancellationToken);
    }

    /// <summary>asyncio's <c>_create_connection_transport</c> with <c>ssl</c>: the protocol first, then the handshake, then connection_made; <paramref name="socket"/> counts in <see cref="EventLoop._openTransportCount"/> until the transport does.</summary>
    private static async Task<(Transport Transport, TProtocol Protocol)> MakeTlsTransportAsync<TProtocol>(EventLoop loop, Socket socket, Func<TProtocol> protocolFactory, SslClientAuthenticationOptions ssl, TimeSpan sslHandshakeTimeout, CancellationToken cancellationToken)
        where TProtocol : BaseProtocol
    {
        TProtocol protocol;
        try
        {
            protocol = protocolFactory();
            CheckStreamProtocol(protocol);
        }
        catch
        {
            TlsHandshake.CloseQuietly(socket);
            loop._openTransportCount--;
            throw;
        }
        var tls = await TlsHandshake.AuthenticateOrCloseAsync(loop, socket, ssl, null, sslHandshakeTimeout, cancellationToken);
        loop._openTransportCount--; // the transport counts it from here on
        var transport = new TlsProtocolTransport(loop, socket, tls, ssl, protocol);
        await StartAndWaitAsync(loop, transport, transport.Start, cancellationToken);
        return (transport, protocol);
    }

    /// <summary>Waits for the transport's connection_made; a cancelled wait closes it.</summary>
    private static async Task StartAndWaitAsync(EventLoop loop, Transport transport, Action<Future<bool>> start, CancellationToken cancellationToken)
    {
        var waiter = loop.CreateFuture<bool>();
        start(waiter);
        using (Internal.TokenCancellation.Register(waiter, cancellationToken))
        {
            try
            {
                await waiter;
            }
            catch
            {
                transport.Close();
                throw;
            }
        }
    }

    /// <summary>asyncio's <c>_create_connection_transport</c>: make the protocol and transport, wait for connection_made.</summary>
    private static async Task<(Transport Transport, TProtocol Protocol)> MakeTransportAsync<TProtocol>(EventLoop loop, Socket socket, Func<TProtocol> protocolFactory, CancellationToken cancellationToken)
        where TProtocol : BaseProtocol
    {
        TProtocol protocol;
        try
        {
            protocol = protocolFactory();
            CheckStreamProtocol(protocol);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var transport = new SocketProtocolTransport(loop, socket, protocol);
        await StartAndWaitAsync(loop, transport, transport.Start, cancellationToken);
        return (transport, protocol);
    }

    private static void CheckStreamProtocol(BaseProtocol? protocol)
    {
        if (protocol is not (Protocol or BufferedProtocol))
            throw new InvalidOperationException($"protocol factory returned {protocol?.GetType().Name ?? "null"}, not a Protocol or a BufferedProtocol");
    }

    /// <summary>Listens on <paramref name="host"/>:<paramref name="port"/>; each accepted connection is driven by a new protocol: asyncio's <c>await loop.create_server(protocol_factory, host, port)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>loop.create_server(protocol_factory, host, port, backlog=100, reuse_address=, reuse_port=)</c>.</para>
    /// <para>Listening as <see cref="StreamEndpoints.StartServerAsync(EventLoop, Func{LoopStreamReader, LoopStreamWriter, Task}, string?, int, int, int, bool?, bool, CancellationToken)"/> (null or empty host: every
    /// interface; port 0: a free one; <c>SO_REUSEADDR</c>, <c>SO_REUSEPORT</c>, the bind error), and the same <see cref="Server"/>.
    /// For each connection the factory is called, then the protocol's <c>ConnectionMade</c> runs
    /// in the next iteration. A factory that throws is reported to the exception handler and the
    /// connection closed, as asyncio does.</para>
    /// </remarks>
    /// <typeparam name="TProtocol">The protocol's type.</typeparam>
    /// <param name="loop">The loop to serve on.</param>
    /// <param name="protocolFactory">Makes one protocol per accepted connection.</param>
    /// <param name="host">The host name or IP literal to listen on; null or empty: every interface.</param>
    /// <param name="port">The TCP port; 0: any free port.</param>
    /// <param name="backlog">The listen backlog.</param>
    /// <param name="reuseAddress">asyncio's <c>reuse_address</c>: sets <c>SO_REUSEADDR</c>, so that the port can be bound again while old connections on it linger in <c>TIME_WAIT</c>; null: asyncio's default, on except on Windows. Off on Unix: cleared right after the bind, because .NET's bind sets it for every TCP socket there.</param>
    /// <param name="reusePort">asyncio's <c>reuse_port</c>: sets <c>SO_REUSEPORT</c>, so that other sockets that set it too can listen on the same port (Linux, macOS, FreeBSD).</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/>, from any thread: no socket stays open.</param>
    public static Task<Server> CreateServerAsync<TProtocol>(this EventLoop loop, Func<TProtocol> protocolFactory, string? host, int port, int backlog = 100, bool? reuseAddress = null, bool reusePort = false, CancellationToken cancellationToken = default)
        where TProtocol : BaseProtocol
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(protocolFactory);
        Ports.Check(port);
        SocketReuse.CheckReusePort(reusePort);
        loop.CheckClosed();
        loop.CheckThread(nameof(CreateServerAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Server>(cancellationToken);
        return CreateServerCoreAsync(loop, protocolFactory, host, port, backlog, reuseAddress, reusePort, cancellationToken);
    }

    private static async Task<Server> CreateServerCoreAsync<TProtocol>(EventLoop loop, Func<TProtocol> protocolFactory, string? host, int port, int backlog, bool? reuseAddress, bool reusePort, CancellationToken cancellationToken, SslServerAuthenticationOptions? ssl = null, TimeSpan sslHandshakeTimeout = default)
        where TProtocol : BaseProtocol
    {
        var sockets = await ServerSockets.ListenAsync(loop, host, port, backlog, reuseAddress, reusePort, cancellationToken);
        return Serve(loop, sockets, protocolFactory, ssl, sslHandshakeTimeout);
    }

    private static Server Serve<TProtocol>(EventLoop loop, List<Socket> sockets, Func<TProtocol> protocolFactory, SslServerAuthenticationOptions? ssl, TimeSpan sslHandshakeTimeout)
        where TProtocol : BaseProtocol
    {
        var server = ssl is null
            ? new Server(loop, sockets, (server, client) => Accept(loop, server, client, protocolFactory))
            : new Server(loop, sockets, (server, client) => AcceptTls(loop, server, client, protocolFactory, ssl, sslHandshakeTimeout));
        server.BeginAccepting();
        return server;
    }

    /// <summary>Listens on <paramref name="host"/>:<paramref name="port"/> for TLS connections; each is driven by a new protocol once its handshake succeeded: asyncio's <c>await loop.create_server(protocol_factory, host, port, ssl=context)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>loop.create_server(protocol_factory, host, port, ssl=, ssl_handshake_timeout=, backlog=100)</c>.</para>
    /// <para>Listens as <see cref="CreateServerAsync{TProtocol}(EventLoop, Func{TProtocol}, string?, int, int, bool?, bool, CancellationToken)"/>.
    /// For each connection the factory is called at once (as asyncio's
    /// <c>_accept_connection2</c>), then the TLS handshake runs; the protocol's
    /// <c>ConnectionMade</c> runs once it succeeded, and the transport is the one
    /// <see cref="CreateConnectionAsync{TProtocol}(EventLoop, Func{TProtocol}, string, int, SslClientAuthenticationOptions, TimeSpan?, TimeSpan?, int?, CancellationToken)"/>
    /// describes. A handshake that fails or takes longer than <paramref name="sslHandshakeTimeout"/>
    /// closes the connection; its protocol hears nothing, and the failure reaches the exception
    /// handler only in debug mode ("Error on transport creation for incoming connection", as
    /// asyncio). A handshake in progress when the server closes goes on, and
    /// <see cref="Server.WaitClosedAsync"/> waits for it, as in asyncio 3.12.</para>
    /// </remarks>
    /// <typeparam name="TProtocol">The protocol's type.</typeparam>
    /// <param name="loop">The loop to serve on.</param>
    /// <param name="protocolFactory">Makes one protocol per accepted connection, before its handshake.</param>
    /// <param name="host">The host name or IP literal to listen on; null or empty: every interface.</param>
    /// <param name="port">The TCP port; 0: any free port.</param>
    /// <param name="ssl">The server's TLS options (its certificate).</param>
    /// <param name="sslHandshakeTimeout">How long each handshake may take; 60 seconds when omitted (asyncio's default); must be positive.</param>
    /// <param name="backlog">The listen backlog.</param>
    /// <param name="reuseAddress">asyncio's <c>reuse_address</c>, as in <see cref="CreateServerAsync{TProtocol}(EventLoop, Func{TProtocol}, string?, int, int, bool?, bool, CancellationToken)"/>.</param>
    /// <param name="reusePort">asyncio's <c>reuse_port</c>, as in <see cref="CreateServerAsync{TProtocol}(EventLoop, Func{TProtocol}, string?, int, int, bool?, bool, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/>, from any thread: no socket stays open.</param>
    public static Task<Server> CreateServerAsync<TProtocol>(this EventLoop loop, Func<TProtocol> protocolFactory, string? host, int port, SslServerAuthenticationOptions ssl, TimeSpan? sslHandshakeTimeout = null, int backlog = 100, bool? reuseAddress = null, bool reusePort = false, CancellationToken cancellationToken = default)
        where TProtocol : BaseProtocol
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(protocolFactory);
        ArgumentNullException.ThrowIfNull(ssl);
        Ports.Check(port);
        var timeout = TlsHandshake.CheckTimeout(sslHandshakeTimeout);
        SocketReuse.CheckReusePort(reusePort);
        loop.CheckClosed();
        loop.CheckThread(nameof(CreateServerAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Server>(cancellationToken);
        return CreateServerCoreAsync(loop, protocolFactory, host, port, backlog, reuseAddress, reusePort, cancellationToken, ssl, timeout);
    }

    /// <summary>Listens on the Unix domain socket <paramref name="path"/>; each connection is driven by a new protocol: asyncio's <c>await loop.create_unix_server(protocol_factory, path)</c>.</summary>
    /// <remarks>asyncio: <c>loop.create_unix_server(protocol_factory, path, backlog=100)</c>; the socket file as <c>StartUnixServerAsync</c>.</remarks>
    /// <typeparam name="TProtocol">The protocol's type.</typeparam>
    /// <param name="loop">The loop to serve on.</param>
    /// <param name="protocolFactory">Makes one protocol per accepted connection.</param>
    /// <param name="path">The Unix domain socket path.</param>
    /// <param name="backlog">The listen backlog.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when already cancelled: creating never waits.</param>
    public static Task<Server> CreateUnixServerAsync<TProtocol>(this EventLoop loop, Func<TProtocol> protocolFactory, string path, int backlog = 100, CancellationToken cancellationToken = default)
        where TProtocol : BaseProtocol
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(protocolFactory);
        ArgumentException.ThrowIfNullOrEmpty(path);
        loop.CheckClosed();
        loop.CheckThread(nameof(CreateUnixServerAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Server>(cancellationToken);
        var socket = ServerSockets.ListenUnix(loop, path, backlog);
        return Task.FromResult(Serve(loop, [socket], protocolFactory, null, default));
    }

    /// <summary>Listens on the Unix domain socket <paramref name="path"/> for TLS connections; each is driven by a new protocol once its handshake succeeded: asyncio's <c>await loop.create_unix_server(protocol_factory, path, ssl=context)</c>.</summary>
    /// <remarks>asyncio: <c>loop.create_unix_server(protocol_factory, path, ssl=, ssl_handshake_timeout=, backlog=100)</c>; the socket file as <c>StartUnixServerAsync</c>, each connection as <see cref="CreateServerAsync{TProtocol}(EventLoop, Func{TProtocol}, string?, int, SslServerAuthenticationOptions, TimeSpan?, int, bool?, bool, CancellationToken)"/>.</remarks>
    /// <typeparam name="TProtocol">The protocol's type.</typeparam>
    /// <param name="loop">The loop to serve on.</param>
    /// <param name="protocolFactory">Makes one protocol per accepted connection, before its handshake.</param>
    /// <param name="path">The Unix domain socket path.</param>
    /// <param name="ssl">The server's TLS options (its certificate).</param>
    /// <param name="sslHandshakeTimeout">How long each handshake may take; 60 seconds when omitted (asyncio's default); must be positive.</param>
    /// <param name="backlog">The listen backlog.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when already cancelled: creating never waits.</param>
    public static Task<Server> CreateUnixServerAsync<TProtocol>(this EventLoop loop, Func<TProtocol> protocolFactory, string path, SslServerAuthenticationOptions ssl, TimeSpan? sslHandshakeTimeout = null, int backlog = 100, CancellationToken cancellationToken = default)
        where TProtocol : BaseProtocol
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(protocolFactory);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(ssl);
        var timeout = TlsHandshake.CheckTimeout(sslHandshakeTimeout);
        loop.CheckClosed();
        loop.CheckThread(nameof(CreateUnixServerAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Server>(cancellationToken);
        var socket = ServerSockets.ListenUnix(loop, path, backlog);
        return Task.FromResult(Serve(loop, [socket], protocolFactory, ssl, timeout));
    }

    /// <summary>asyncio's <c>_accept_connection2</c>: a protocol and a transport for the accepted socket.</summary>
    private static void Accept<TProtocol>(EventLoop loop, Server server, Socket client, Func<TProtocol> protocolFactory)
        where TProtocol : BaseProtocol
    {
        if (MakeProtocol(loop, client, protocolFactory) is not { } protocol)
            return;
        var transport = new SocketProtocolTransport(loop, client, protocol) { OnLost = server.Detach };
        server.Attach(transport);
        transport.Start(waiter: null);
    }

    /// <summary>asyncio's <c>_accept_connection2</c> with <c>sslcontext</c>: the protocol first, then the handshake (attached to the server while it runs), then the transport.</summary>
    private static void AcceptTls<TProtocol>(EventLoop loop, Server server, Socket client, Func<TProtocol> protocolFactory, SslServerAuthenticationOptions ssl, TimeSpan sslHandshakeTimeout)
        where TProtocol : BaseProtocol
    {
        if (MakeProtocol(loop, client, protocolFactory) is not { } protocol)
            return;
        server.StartHandshake(client, ssl, sslHandshakeTimeout, (server, client, tls) =>
        {
            var transport = new TlsProtocolTransport(loop, client, tls, ssl, protocol) { OnLost = server.Detach };
            server.Attach(transport);
            transport.Start(waiter: null);
        });
    }

    /// <summary>The protocol for an accepted socket; a factory that throws is reported and the socket closed.</summary>
    private static BaseProtocol? MakeProtocol<TProtocol>(EventLoop loop, Socket client, Func<TProtocol> protocolFactory)
        where TProtocol : BaseProtocol
    {
        try
        {
            BaseProtocol protocol = protocolFactory();
            CheckStreamProtocol(protocol);
            return protocol;
        }
        catch (Exception exception)
        {
            client.Dispose();
            loop.CallExceptionHandler(new ExceptionContext("Error on transport creation for incoming connection") { Exception = exception });
            return null;
        }
    }
}
