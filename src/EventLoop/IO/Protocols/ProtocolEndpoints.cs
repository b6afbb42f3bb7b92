using System.Net;
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
    /// <para>Differs from asyncio: no <c>ssl</c>, <c>local_addr</c> or <c>sock</c> arguments.</para>
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

    private static async Task<(Transport Transport, TProtocol Protocol)> CreateConnectionCoreAsync<TProtocol>(EventLoop loop, Func<TProtocol> protocolFactory, string host, int port, TimeSpan? happyEyeballsDelay, int? interleave, CancellationToken cancellationToken, IPAddress[]? addresses = null, TcpConnector.Attempt? attempt = null)
        where TProtocol : BaseProtocol
    {
        var socket = addresses is null
            ? await TcpConnector.ConnectAsync(loop, host, port, happyEyeballsDelay, interleave, cancellationToken)
            : await TcpConnector.ConnectAsync(loop, addresses, port, happyEyeballsDelay, interleave, cancellationToken, attempt);
        loop._openTransportCount--; // the transport counts it from here on
        return await MakeTransportAsync(loop, socket, protocolFactory, cancellationToken);
    }

    /// <summary>The tests' way in: <see cref="CreateConnectionAsync"/> over given addresses instead of a lookup, optionally with a fake connect.</summary>
    internal static Task<(Transport Transport, TProtocol Protocol)> CreateConnectionToAsync<TProtocol>(EventLoop loop, Func<TProtocol> protocolFactory, IPAddress[] addresses, int port, TimeSpan? happyEyeballsDelay, int? interleave, TcpConnector.Attempt? attempt = null, CancellationToken cancellationToken = default)
        where TProtocol : BaseProtocol =>
        CreateConnectionCoreAsync(loop, protocolFactory, "", port, happyEyeballsDelay, interleave, cancellationToken, addresses, attempt);

    /// <summary>Opens a Unix domain socket connection driven by a protocol: asyncio's <c>await loop.create_unix_connection(protocol_factory, path)</c>.</summary>
    /// <remarks>asyncio: <c>loop.create_unix_connection(protocol_factory, path)</c>; otherwise as <see cref="CreateConnectionAsync"/>.</remarks>
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

    private static async Task<(Transport Transport, TProtocol Protocol)> CreateUnixConnectionCoreAsync<TProtocol>(EventLoop loop, Func<TProtocol> protocolFactory, string path, CancellationToken cancellationToken)
        where TProtocol : BaseProtocol
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        loop._openTransportCount++;
        try
        {
            await loop.ConnectAsync(socket, new UnixDomainSocketEndPoint(path), cancellationToken);
        }
        catch
        {
            socket.Dispose();
            loop._openTransportCount--;
            throw;
        }
        loop._openTransportCount--;
        return await MakeTransportAsync(loop, socket, protocolFactory, cancellationToken);
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
        var waiter = loop.CreateFuture<bool>();
        transport.Start(waiter);
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

    private static async Task<Server> CreateServerCoreAsync<TProtocol>(EventLoop loop, Func<TProtocol> protocolFactory, string? host, int port, int backlog, bool? reuseAddress, bool reusePort, CancellationToken cancellationToken)
        where TProtocol : BaseProtocol
    {
        var sockets = await ServerSockets.ListenAsync(loop, host, port, backlog, reuseAddress, reusePort, cancellationToken);
        var server = new Server(loop, sockets, (server, client) => Accept(loop, server, client, protocolFactory));
        server.BeginAccepting();
        return server;
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
        var server = new Server(loop, [socket], (server, client) => Accept(loop, server, client, protocolFactory));
        server.BeginAccepting();
        return Task.FromResult(server);
    }

    /// <summary>asyncio's <c>_accept_connection2</c>: a protocol and a transport for the accepted socket.</summary>
    private static IServedConnection? Accept<TProtocol>(EventLoop loop, Server server, Socket client, Func<TProtocol> protocolFactory)
        where TProtocol : BaseProtocol
    {
        BaseProtocol protocol;
        try
        {
            protocol = protocolFactory();
            CheckStreamProtocol(protocol);
        }
        catch (Exception exception)
        {
            client.Dispose();
            loop.CallExceptionHandler(new ExceptionContext("Error on transport creation for incoming connection") { Exception = exception });
            return null;
        }
        var transport = new SocketProtocolTransport(loop, client, protocol) { OnLost = server.Detach };
        transport.Start(waiter: null);
        return transport;
    }
}
