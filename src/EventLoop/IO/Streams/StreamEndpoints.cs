using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>Streams on a loop: TCP and Unix-socket connections and servers, plain or TLS, and any .NET <see cref="Stream"/>: asyncio's <c>streams.py</c> (<c>open_connection</c>, <c>start_server</c> and their Unix twins).</summary>
/// <remarks>Extension methods, so that <c>loop.OpenConnectionAsync(...)</c> reads as asyncio's calls do; the loop keeps only the state (its count of open transports).</remarks>
public static class StreamEndpoints
{
    /// <summary>Opens a TCP connection and returns its reader and writer: asyncio's <c>await asyncio.open_connection(host, port, limit=)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.open_connection(host, port, limit=limit, happy_eyeballs_delay=, interleave=)</c>.</para>
    /// <para>The host is resolved (an IP literal is used as is), then each address is tried in
    /// turn, as asyncio does, or staggered by <paramref name="happyEyeballsDelay"/> (asyncio's
    /// <c>staggered_race</c>: the first to connect wins, the other attempts are cancelled). Failures are the <see cref="SocketException"/> of .NET:
    /// <see cref="SocketError.ConnectionRefused"/> for a refused connection,
    /// <see cref="SocketError.HostNotFound"/> (or <c>TryAgain</c>/<c>NoData</c>) for a bad host
    /// (asyncio's <c>socket.gaierror</c>); when every address fails, the first error is thrown.
    /// No socket is left open on failure. Cancelling the task aborts the resolution or the
    /// connection at once (the await throws <see cref="CancelledError"/>).</para>
    /// </remarks>
    /// <param name="loop">The loop the streams belong to; the running loop on its thread.</param>
    /// <param name="host">The host name or IP literal to connect to (to listen on, for a server; null or empty: every interface).</param>
    /// <param name="port">The TCP port (0 for a server: any free port).</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="happyEyeballsDelay">asyncio's <c>happy_eyeballs_delay</c>: when set, the next address is tried this long after the previous attempt started (or at once when it failed), without waiting for it to end (RFC 8305; asyncio suggests 0.25 seconds); null: one address after the other.</param>
    /// <param name="interleave">asyncio's <c>interleave</c>: reorders the addresses by family, this many minus one of the first family first, then one of each family in turn; null: 1 with <paramref name="happyEyeballsDelay"/>, else none; 0: the resolver's order.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when it fires, from any thread, as cancelling the awaiting task would: what was opened so far is closed.</param>
    /// <remarks>Check first: a bad argument, a closed loop or another thread throws at the call, before any lookup or socket.</remarks>
    public static Task<(LoopStreamReader Reader, LoopStreamWriter Writer)> OpenConnectionAsync(this EventLoop loop, string host, int port, int limit = LoopStreamReader.DefaultLimit, TimeSpan? happyEyeballsDelay = null, int? interleave = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(host);
        Ports.Check(port);
        CheckLimit(limit);
        loop.CheckClosed();
        loop.CheckThread(nameof(OpenConnectionAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<(LoopStreamReader, LoopStreamWriter)>(cancellationToken);
        return OpenConnectionCoreAsync(loop, host, port, limit, null, default, happyEyeballsDelay, interleave, cancellationToken);
    }

    /// <summary>Opens a TLS connection over TCP and returns its reader and writer: asyncio's <c>await asyncio.open_connection(host, port, ssl=context)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.open_connection(host, port, ssl=, server_hostname=, ssl_handshake_timeout=, limit=, happy_eyeballs_delay=, interleave=)</c>.</para>
    /// <para>Connects as <see cref="OpenConnectionAsync(EventLoop, string, int, int, TimeSpan?, int?, CancellationToken)"/>,
    /// then runs the TLS handshake; the reader and writer carry the decrypted bytes. A handshake
    /// that fails throws its error (an <see cref="System.Security.Authentication.AuthenticationException"/>
    /// for a certificate the options reject, asyncio's <c>ssl.SSLCertVerificationError</c>); one
    /// longer than <paramref name="sslHandshakeTimeout"/> of loop time throws
    /// <see cref="TimeoutException"/> with asyncio's message ("SSL handshake is taking longer
    /// than 60.0 seconds: aborting the connection"). Either way no socket stays open. Under
    /// virtual time the clock waits for the handshake while either side works, and reaches the
    /// timeout only while it waits on a silent peer.</para>
    /// <para>Differs from asyncio: <paramref name="ssl"/>'s <see cref="SslClientAuthenticationOptions.TargetHost"/>
    /// is <c>server_hostname</c>; when it is not set, <paramref name="host"/> is used (on a copy:
    /// the options object is not changed). asyncio's <c>ConnectionAbortedError</c> on the timeout is a
    /// <see cref="TimeoutException"/>. A TLS connection cannot half-close
    /// (<see cref="LoopStreamWriter.CanWriteEof"/> is false), as in asyncio. Closing sends no
    /// TLS close_notify, only the TCP FIN.</para>
    /// </remarks>
    /// <param name="loop">The loop the streams belong to; the running loop on its thread.</param>
    /// <param name="host">The host name or IP literal to connect to.</param>
    /// <param name="port">The TCP port.</param>
    /// <param name="ssl">The client's TLS options: certificate validation, target host, protocols.</param>
    /// <param name="sslHandshakeTimeout">How long the handshake may take; 60 seconds when omitted (asyncio's default); must be positive.</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="happyEyeballsDelay">asyncio's <c>happy_eyeballs_delay</c>: when set, the next address is tried this long after the previous attempt started (or at once when it failed), without waiting for it to end (RFC 8305; asyncio suggests 0.25 seconds); null: one address after the other.</param>
    /// <param name="interleave">asyncio's <c>interleave</c>: reorders the addresses by family, this many minus one of the first family first, then one of each family in turn; null: 1 with <paramref name="happyEyeballsDelay"/>, else none; 0: the resolver's order.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when it fires, from any thread, as cancelling the awaiting task would: what was opened so far is closed.</param>
    public static Task<(LoopStreamReader Reader, LoopStreamWriter Writer)> OpenConnectionAsync(this EventLoop loop, string host, int port, SslClientAuthenticationOptions ssl, TimeSpan? sslHandshakeTimeout = null, int limit = LoopStreamReader.DefaultLimit, TimeSpan? happyEyeballsDelay = null, int? interleave = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(ssl);
        Ports.Check(port);
        var timeout = TlsHandshake.CheckTimeout(sslHandshakeTimeout);
        CheckLimit(limit);
        loop.CheckClosed();
        loop.CheckThread(nameof(OpenConnectionAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<(LoopStreamReader, LoopStreamWriter)>(cancellationToken);
        return OpenConnectionCoreAsync(loop, host, port, limit, TlsHandshake.WithTargetHost(ssl, host), timeout, happyEyeballsDelay, interleave, cancellationToken);
    }

    private static async Task<(LoopStreamReader Reader, LoopStreamWriter Writer)> OpenConnectionCoreAsync(EventLoop loop, string host, int port, int limit, SslClientAuthenticationOptions? ssl, TimeSpan sslHandshakeTimeout, TimeSpan? happyEyeballsDelay, int? interleave, CancellationToken cancellationToken, IPAddress[]? addresses = null, TcpConnector.Attempt? attempt = null)
    {
        var socket = addresses is null
            ? await TcpConnector.ConnectAsync(loop, host, port, happyEyeballsDelay, interleave, cancellationToken)
            : await TcpConnector.ConnectAsync(loop, addresses, port, happyEyeballsDelay, interleave, cancellationToken, attempt);
        // A failed handshake fails the call: asyncio tries the next address only when the
        // connect itself fails.
        var tls = ssl is null ? null : await TlsHandshake.AuthenticateOrCloseAsync(loop, socket, ssl, null, sslHandshakeTimeout, cancellationToken);
        loop._openTransportCount--; // the transport counts it from here on
        return WrapSocket(loop, socket, limit, tls, ssl);
    }

    /// <summary>The tests' way in: <see cref="OpenConnectionAsync(EventLoop, string, int, int, TimeSpan?, int?, CancellationToken)"/> over given addresses instead of a lookup, optionally with a fake connect.</summary>
    internal static Task<(LoopStreamReader Reader, LoopStreamWriter Writer)> OpenConnectionToAsync(EventLoop loop, IPAddress[] addresses, int port, TimeSpan? happyEyeballsDelay, int? interleave, TcpConnector.Attempt? attempt = null, CancellationToken cancellationToken = default) =>
        OpenConnectionCoreAsync(loop, "", port, LoopStreamReader.DefaultLimit, null, default, happyEyeballsDelay, interleave, cancellationToken, addresses, attempt);

    /// <summary>Opens a Unix domain socket connection and returns its reader and writer: asyncio's <c>await asyncio.open_unix_connection(path)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.open_unix_connection(path, limit=limit)</c>; errors as <see cref="OpenConnectionAsync(EventLoop, string, int, int, TimeSpan?, int?, CancellationToken)"/> (a missing path is <see cref="SocketError.AddressNotAvailable"/> or similar).</remarks>
    /// <param name="loop">The loop the streams belong to; the running loop on its thread.</param>
    /// <param name="path">The Unix domain socket path.</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when it fires, from any thread, as cancelling the awaiting task would: what was opened so far is closed.</param>
    public static Task<(LoopStreamReader Reader, LoopStreamWriter Writer)> OpenUnixConnectionAsync(this EventLoop loop, string path, int limit = LoopStreamReader.DefaultLimit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckLimit(limit);
        loop.CheckClosed();
        loop.CheckThread(nameof(OpenUnixConnectionAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<(LoopStreamReader, LoopStreamWriter)>(cancellationToken);
        return OpenUnixConnectionCoreAsync(loop, path, limit, cancellationToken);
    }

    /// <summary>Opens a TLS connection over a Unix domain socket and returns its reader and writer: asyncio's <c>await asyncio.open_unix_connection(path, ssl=context, server_hostname=)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.open_unix_connection(path, ssl=, server_hostname=, ssl_handshake_timeout=, limit=)</c>.</para>
    /// <para>Connects as <see cref="OpenUnixConnectionAsync(EventLoop, string, int, CancellationToken)"/>,
    /// then runs the TLS handshake, with the errors, the timeout (asyncio's message) and the
    /// closing of <see cref="OpenConnectionAsync(EventLoop, string, int, SslClientAuthenticationOptions, TimeSpan?, int, TimeSpan?, int?, CancellationToken)"/>.</para>
    /// <para>A path has no host name to default to: as asyncio requires <c>server_hostname</c>,
    /// <paramref name="ssl"/>'s <see cref="SslClientAuthenticationOptions.TargetHost"/> must be
    /// set (the empty string checks no name), else <see cref="ArgumentException"/> "you have to
    /// pass server_hostname when using ssl" at the call.</para>
    /// </remarks>
    /// <param name="loop">The loop the streams belong to; the running loop on its thread.</param>
    /// <param name="path">The Unix domain socket path.</param>
    /// <param name="ssl">The client's TLS options: certificate validation, target host (required), protocols.</param>
    /// <param name="sslHandshakeTimeout">How long the handshake may take; 60 seconds when omitted (asyncio's default); must be positive.</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when it fires, from any thread, as cancelling the awaiting task would: what was opened so far is closed.</param>
    public static Task<(LoopStreamReader Reader, LoopStreamWriter Writer)> OpenUnixConnectionAsync(this EventLoop loop, string path, SslClientAuthenticationOptions ssl, TimeSpan? sslHandshakeTimeout = null, int limit = LoopStreamReader.DefaultLimit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentException.ThrowIfNullOrEmpty(path);
        TlsHandshake.CheckServerHostname(ssl);
        var timeout = TlsHandshake.CheckTimeout(sslHandshakeTimeout);
        CheckLimit(limit);
        loop.CheckClosed();
        loop.CheckThread(nameof(OpenUnixConnectionAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<(LoopStreamReader, LoopStreamWriter)>(cancellationToken);
        return OpenUnixConnectionCoreAsync(loop, path, limit, cancellationToken, ssl, timeout);
    }

    private static async Task<(LoopStreamReader Reader, LoopStreamWriter Writer)> OpenUnixConnectionCoreAsync(EventLoop loop, string path, int limit, CancellationToken cancellationToken, SslClientAuthenticationOptions? ssl = null, TimeSpan sslHandshakeTimeout = default)
    {
        var socket = await ConnectUnixAsync(loop, path, cancellationToken);
        var tls = ssl is null ? null : await TlsHandshake.AuthenticateOrCloseAsync(loop, socket, ssl, null, sslHandshakeTimeout, cancellationToken);
        loop._openTransportCount--; // the transport counts it from here on
        return WrapSocket(loop, socket, limit, tls, ssl);
    }

    /// <summary>A connected Unix domain socket, counted in <see cref="EventLoop._openTransportCount"/> until its transport counts it; on failure nothing stays open or counted.</summary>
    internal static async Task<Socket> ConnectUnixAsync(EventLoop loop, string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        loop._openTransportCount++;
        try
        {
            await ConnectAsync(loop, socket, new UnixDomainSocketEndPoint(path), cancellationToken);
        }
        catch
        {
            socket.Dispose();
            loop._openTransportCount--;
            throw;
        }
        return socket;
    }

    internal static async Task ConnectAsync(this EventLoop loop, Socket socket, EndPoint endPoint, CancellationToken cancellationToken)
    {
        var connecting = new CancellationTokenSource();
        var connected = loop.WrapFuture(socket.ConnectAsync(endPoint, connecting.Token).AsTask(), connecting);
        using var registration = TokenCancellation.Register(connected, cancellationToken);
        await connected;
    }

    internal static async Task<IPAddress[]> ResolveAsync(this EventLoop loop, string host, CancellationToken cancellationToken)
    {
        var resolving = new CancellationTokenSource();
        var resolved = loop.WrapFuture(Dns.GetHostAddressesAsync(host, resolving.Token), resolving);
        using var registration = TokenCancellation.Register(resolved, cancellationToken);
        return await resolved;
    }

    // asyncio checks the limit in StreamReader(), after the connection exists; here before
    // anything is opened, with the same message.
    private static void CheckLimit(int limit)
    {
        if (limit <= 0)
            ThrowHelper.StreamLimit();
    }

    private static (LoopStreamReader, LoopStreamWriter) WrapSocket(EventLoop loop, Socket socket, int limit, SslStream? tls = null, SslClientAuthenticationOptions? ssl = null)
    {
        var reader = new LoopStreamReader(limit, loop);
        StreamTransport transport = tls is null
            ? new ProtocolStreamTransport(loop, socket, reader) // asyncio's streams stand on the protocol transport
            : new SocketTransport(loop, socket, reader, tls) { SslOptions = ssl };
        var writer = new LoopStreamWriter(transport, reader);
        transport.Start();
        return (reader, writer);
    }

    /// <summary>Listens on <paramref name="host"/>:<paramref name="port"/> and runs <paramref name="handler"/> as a task for each connection: asyncio's <c>await asyncio.start_server(cb, host, port)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.start_server(client_connected_cb, host, port, limit=, backlog=100, reuse_address=, reuse_port=)</c>.</para>
    /// <para>A <see langword="null"/> or empty host listens on every interface (IPv4 and IPv6);
    /// port 0 picks a free port (see <see cref="Server.Sockets"/>). One listening socket per
    /// resolved address, with <c>SO_REUSEADDR</c> and <c>SO_REUSEPORT</c> as asyncio sets them.
    /// Errors are the <see cref="SocketException"/> of .NET (<see cref="SocketError.AddressAlreadyInUse"/>, ...),
    /// a failed bind with asyncio's text ("error while attempting to bind on address
    /// ('127.0.0.1', 8888): address already in use"); no socket stays open on failure. The
    /// server serves at once; see <see cref="Server"/>.</para>
    /// <para>With <paramref name="reusePort"/>, several servers (one per loop, each loop on its
    /// own thread) can listen on one port, and the kernel spreads the incoming connections
    /// among them; every one of them must set it.</para>
    /// <para>Differs from asyncio: <paramref name="reusePort"/> on a system without
    /// <c>SO_REUSEPORT</c> (Windows) throws <see cref="PlatformNotSupportedException"/> at the
    /// call, where asyncio raises <c>ValueError</c> with the same text once the host is resolved.</para>
    /// </remarks>
    /// <param name="loop">The loop the streams belong to; the running loop on its thread.</param>
    /// <param name="handler">Runs as a new task for each accepted connection.</param>
    /// <param name="host">The host name or IP literal to connect to (to listen on, for a server; null or empty: every interface).</param>
    /// <param name="port">The TCP port (0 for a server: any free port).</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="backlog">The listen backlog.</param>
    /// <param name="reuseAddress">asyncio's <c>reuse_address</c>: sets <c>SO_REUSEADDR</c>, so that the port can be bound again while old connections on it linger in <c>TIME_WAIT</c>; null: asyncio's default, on except on Windows. Off on Unix: cleared right after the bind, because .NET's bind sets it for every TCP socket there.</param>
    /// <param name="reusePort">asyncio's <c>reuse_port</c>: sets <c>SO_REUSEPORT</c>, so that other sockets that set it too can listen on the same port (Linux, macOS, FreeBSD).</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when it fires, from any thread, as cancelling the awaiting task would: no socket stays open.</param>
    /// <remarks>Check first: a bad argument, a closed loop or another thread throws at the call, before any lookup or socket.</remarks>
    public static Task<Server> StartServerAsync(this EventLoop loop, Func<LoopStreamReader, LoopStreamWriter, Task> handler, string? host, int port, int limit = LoopStreamReader.DefaultLimit, int backlog = 100, bool? reuseAddress = null, bool reusePort = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(handler);
        Ports.Check(port);
        CheckLimit(limit);
        SocketReuse.CheckReusePort(reusePort);
        loop.CheckClosed();
        loop.CheckThread(nameof(StartServerAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Server>(cancellationToken);
        return StartServerCoreAsync(loop, handler, host, port, limit, backlog, reuseAddress, reusePort, null, default, cancellationToken);
    }

    /// <summary>Listens on <paramref name="host"/>:<paramref name="port"/> for TLS connections and runs <paramref name="handler"/> as a task for each one: asyncio's <c>await asyncio.start_server(cb, host, port, ssl=context)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.start_server(client_connected_cb, host, port, ssl=, ssl_handshake_timeout=, limit=, backlog=100, reuse_address=, reuse_port=)</c>.</para>
    /// <para>Listens as <see cref="StartServerAsync(EventLoop, Func{LoopStreamReader, LoopStreamWriter, Task}, string?, int, int, int, bool?, bool, CancellationToken)"/>;
    /// each accepted connection runs the TLS handshake first, and the handler starts once it
    /// succeeded. A handshake that fails or takes longer than <paramref name="sslHandshakeTimeout"/>
    /// closes that connection, and reaches the exception handler only in debug mode ("Error on
    /// transport creation for incoming connection", as asyncio's <c>_accept_connection2</c>);
    /// the server goes on. A handshake in progress when the server closes goes on, and
    /// <see cref="Server.WaitClosedAsync"/> waits for it, as in asyncio 3.12.</para>
    /// </remarks>
    /// <param name="loop">The loop that serves; the running loop on its thread.</param>
    /// <param name="handler">Runs as a new task for each connection, once its handshake is done.</param>
    /// <param name="host">The host name or IP literal to listen on (null or empty: every interface).</param>
    /// <param name="port">The TCP port (0: any free port).</param>
    /// <param name="ssl">The server's TLS options (its certificate).</param>
    /// <param name="sslHandshakeTimeout">How long each handshake may take; 60 seconds when omitted (asyncio's default); must be positive.</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="backlog">The listen backlog.</param>
    /// <param name="reuseAddress">asyncio's <c>reuse_address</c>: sets <c>SO_REUSEADDR</c>, so that the port can be bound again while old connections on it linger in <c>TIME_WAIT</c>; null: asyncio's default, on except on Windows. Off on Unix: cleared right after the bind, because .NET's bind sets it for every TCP socket there.</param>
    /// <param name="reusePort">asyncio's <c>reuse_port</c>: sets <c>SO_REUSEPORT</c>, so that other sockets that set it too can listen on the same port (Linux, macOS, FreeBSD).</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when it fires, from any thread, as cancelling the awaiting task would: no socket stays open.</param>
    public static Task<Server> StartServerAsync(this EventLoop loop, Func<LoopStreamReader, LoopStreamWriter, Task> handler, string? host, int port, SslServerAuthenticationOptions ssl, TimeSpan? sslHandshakeTimeout = null, int limit = LoopStreamReader.DefaultLimit, int backlog = 100, bool? reuseAddress = null, bool reusePort = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(ssl);
        Ports.Check(port);
        var timeout = TlsHandshake.CheckTimeout(sslHandshakeTimeout);
        CheckLimit(limit);
        SocketReuse.CheckReusePort(reusePort);
        loop.CheckClosed();
        loop.CheckThread(nameof(StartServerAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Server>(cancellationToken);
        return StartServerCoreAsync(loop, handler, host, port, limit, backlog, reuseAddress, reusePort, ssl, timeout, cancellationToken);
    }

    private static async Task<Server> StartServerCoreAsync(EventLoop loop, Func<LoopStreamReader, LoopStreamWriter, Task> handler, string? host, int port, int limit, int backlog, bool? reuseAddress, bool reusePort, SslServerAuthenticationOptions? ssl, TimeSpan sslHandshakeTimeout, CancellationToken cancellationToken)
    {
        var sockets = await ServerSockets.ListenAsync(loop, host, port, backlog, reuseAddress, reusePort, cancellationToken);
        var server = new Server(loop, sockets, handler, limit, ssl, sslHandshakeTimeout);
        server.BeginAccepting();
        return server;
    }

    /// <summary>Listens on the Unix domain socket <paramref name="path"/> and runs <paramref name="handler"/> as a task for each connection: asyncio's <c>await asyncio.start_unix_server(cb, path)</c>.</summary>
    /// <remarks>
    /// asyncio: <c>asyncio.start_unix_server(client_connected_cb, path, limit=, backlog=100)</c>.
    /// Closing the server removes the socket file (.NET unlinks it when the listening socket is
    /// disposed; asyncio 3.13's <c>cleanup_socket=True</c>). Differs from asyncio: a stale file
    /// at <paramref name="path"/> is not removed first (.NET cannot tell a socket file from a
    /// regular one), so the bind fails with <see cref="SocketError.AddressAlreadyInUse"/>.
    /// </remarks>
    /// <param name="loop">The loop the streams belong to; the running loop on its thread.</param>
    /// <param name="handler">Runs as a new task for each accepted connection.</param>
    /// <param name="path">The Unix domain socket path.</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="backlog">The listen backlog.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when it fires, from any thread, as cancelling the awaiting task would: no socket stays open.</param>
    public static Task<Server> StartUnixServerAsync(this EventLoop loop, Func<LoopStreamReader, LoopStreamWriter, Task> handler, string path, int limit = LoopStreamReader.DefaultLimit, int backlog = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckLimit(limit);
        loop.CheckClosed();
        loop.CheckThread(nameof(StartUnixServerAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Server>(cancellationToken);
        var socket = ServerSockets.ListenUnix(loop, path, backlog);
        var server = new Server(loop, [socket], handler, limit);
        server.BeginAccepting();
        return Task.FromResult(server);
    }

    /// <summary>Listens on the Unix domain socket <paramref name="path"/> for TLS connections and runs <paramref name="handler"/> as a task for each one: asyncio's <c>await asyncio.start_unix_server(cb, path, ssl=context)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.start_unix_server(client_connected_cb, path, ssl=, ssl_handshake_timeout=, limit=, backlog=100)</c>.</para>
    /// <para>Listens as <see cref="StartUnixServerAsync(EventLoop, Func{LoopStreamReader, LoopStreamWriter, Task}, string, int, int, CancellationToken)"/>
    /// and runs each connection's handshake as <see cref="StartServerAsync(EventLoop, Func{LoopStreamReader, LoopStreamWriter, Task}, string?, int, SslServerAuthenticationOptions, TimeSpan?, int, int, bool?, bool, CancellationToken)"/> does.</para>
    /// </remarks>
    /// <param name="loop">The loop that serves; the running loop on its thread.</param>
    /// <param name="handler">Runs as a new task for each connection, once its handshake is done.</param>
    /// <param name="path">The Unix domain socket path.</param>
    /// <param name="ssl">The server's TLS options (its certificate).</param>
    /// <param name="sslHandshakeTimeout">How long each handshake may take; 60 seconds when omitted (asyncio's default); must be positive.</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="backlog">The listen backlog.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when already cancelled: creating never waits.</param>
    public static Task<Server> StartUnixServerAsync(this EventLoop loop, Func<LoopStreamReader, LoopStreamWriter, Task> handler, string path, SslServerAuthenticationOptions ssl, TimeSpan? sslHandshakeTimeout = null, int limit = LoopStreamReader.DefaultLimit, int backlog = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(ssl);
        var timeout = TlsHandshake.CheckTimeout(sslHandshakeTimeout);
        CheckLimit(limit);
        loop.CheckClosed();
        loop.CheckThread(nameof(StartUnixServerAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Server>(cancellationToken);
        var socket = ServerSockets.ListenUnix(loop, path, backlog);
        var server = new Server(loop, [socket], handler, limit, ssl, timeout);
        server.BeginAccepting();
        return Task.FromResult(server);
    }

    /// <summary>A reader and writer over any readable and writable .NET <see cref="Stream"/>, on the loop; asyncio has no twin (its streams come from sockets and pipes only).</summary>
    /// <remarks>
    /// <para>For a stream the loop did not open: a named pipe, a serial port's
    /// <c>BaseStream</c>, an <see cref="SslStream"/> set up by hand, an in-memory duplex stream
    /// in a test. The reader and writer behave as a socket's: reads are buffered up to
    /// <paramref name="limit"/> with asyncio's flow control, writes are queued and flushed in
    /// order, <see cref="LoopStreamWriter.DrainAsync"/> waits on the high-water mark.</para>
    /// <para>The end of the stream (a read of 0 bytes) is EOF for the reader; the writer stays
    /// usable. A stream cannot half-close: <see cref="LoopStreamWriter.CanWriteEof"/> is false.
    /// Closing the writer disposes the stream, unless <paramref name="leaveOpen"/>. Reading starts
    /// at once. Under virtual time a read in flight does not hold the clock (only sockets can be
    /// probed for bytes on their way): the clock may jump while the stream is silent, as it does
    /// for any foreign wait.</para>
    /// </remarks>
    /// <param name="loop">The loop the streams belong to; the running loop on its thread.</param>
    /// <param name="stream">A stream that can read and write.</param>
    /// <param name="limit">The buffer limit of the reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="leaveOpen">Whether the stream stays open when the writer closes.</param>
    /// <returns>The reader and writer; <c>GetExtraInfo("stream")</c> is <paramref name="stream"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot read, or cannot write.</exception>
    public static (LoopStreamReader Reader, LoopStreamWriter Writer) WrapStream(this EventLoop loop, Stream stream, int limit = LoopStreamReader.DefaultLimit, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanWrite)
            throw new ArgumentException("The stream must be readable and writable.", nameof(stream));
        CheckLimit(limit);
        loop.CheckClosed();
        loop.CheckThread(nameof(WrapStream));
        var reader = new LoopStreamReader(limit, loop);
        var transport = new DuplexStreamTransport(loop, stream, reader, leaveOpen);
        var writer = new LoopStreamWriter(transport, reader);
        transport.Start();
        return (reader, writer);
    }
}
