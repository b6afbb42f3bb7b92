using System.Net;
using System.Net.Sockets;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>TCP and Unix-socket streams on a loop: asyncio's <c>streams.py</c> (<c>open_connection</c>, <c>start_server</c> and their Unix twins).</summary>
/// <remarks>Extension methods, so that <c>loop.OpenConnectionAsync(...)</c> reads as asyncio's calls do; the loop keeps only the state (its count of open transports).</remarks>
public static class StreamEndpoints
{
    /// <summary>Opens a TCP connection and returns its reader and writer: asyncio's <c>await asyncio.open_connection(host, port, limit=)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.open_connection(host, port, limit=limit)</c>.</para>
    /// <para>The host is resolved (an IP literal is used as is), then each address is tried in
    /// turn, as asyncio does. Failures are the <see cref="SocketException"/> of .NET:
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
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when it fires, from any thread, as cancelling the awaiting task would: what was opened so far is closed.</param>
    /// <remarks>Check first: a bad argument, a closed loop or another thread throws at the call, before any lookup or socket.</remarks>
    public static Task<(LoopStreamReader Reader, LoopStreamWriter Writer)> OpenConnectionAsync(this EventLoop loop, string host, int port, int limit = LoopStreamReader.DefaultLimit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        CheckLimit(limit);
        loop.CheckClosed();
        loop.CheckThread(nameof(OpenConnectionAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<(LoopStreamReader, LoopStreamWriter)>(cancellationToken);
        return OpenConnectionCoreAsync(loop, host, port, limit, cancellationToken);
    }

    private static async Task<(LoopStreamReader Reader, LoopStreamWriter Writer)> OpenConnectionCoreAsync(EventLoop loop, string host, int port, int limit, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            addresses = await ResolveAsync(loop, host, cancellationToken);
        }
        Exception? first = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            loop.OpenTransportCount++;
            try
            {
                await ConnectAsync(loop, socket, new IPEndPoint(address, port), cancellationToken);
            }
            catch (Exception exception)
            {
                socket.Dispose();
                loop.OpenTransportCount--;
                if (exception is OperationCanceledException)
                    throw;
                first ??= exception;
                continue;
            }
            loop.OpenTransportCount--; // the transport counts it from here on
            return WrapSocket(loop, socket, limit);
        }
        throw first ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>Opens a Unix domain socket connection and returns its reader and writer: asyncio's <c>await asyncio.open_unix_connection(path)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.open_unix_connection(path, limit=limit)</c>; errors as <see cref="OpenConnectionAsync(EventLoop, string, int, int, CancellationToken)"/> (a missing path is <see cref="SocketError.AddressNotAvailable"/> or similar).</remarks>
    /// <param name="loop">The loop the streams belong to; the running loop on its thread.</param>
    /// <param name="path">The Unix domain socket path.</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when it fires, from any thread, as cancelling the awaiting task would: what was opened so far is closed.</param>
    public static Task<(LoopStreamReader Reader, LoopStreamWriter Writer)> OpenUnixConnectionAsync(this EventLoop loop, string path, int limit = LoopStreamReader.DefaultLimit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckLimit(limit);
        loop.CheckClosed();
        loop.CheckThread(nameof(OpenUnixConnectionAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<(LoopStreamReader, LoopStreamWriter)>(cancellationToken);
        return OpenUnixConnectionCoreAsync(loop, path, limit, cancellationToken);
    }

    private static async Task<(LoopStreamReader Reader, LoopStreamWriter Writer)> OpenUnixConnectionCoreAsync(EventLoop loop, string path, int limit, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        loop.OpenTransportCount++;
        try
        {
            await ConnectAsync(loop, socket, new UnixDomainSocketEndPoint(path), cancellationToken);
        }
        catch
        {
            socket.Dispose();
            loop.OpenTransportCount--;
            throw;
        }
        loop.OpenTransportCount--;
        return WrapSocket(loop, socket, limit);
    }

    private static async Task ConnectAsync(EventLoop loop, Socket socket, EndPoint endPoint, CancellationToken cancellationToken)
    {
        var connecting = new CancellationTokenSource();
        var connected = loop.WrapFuture(socket.ConnectAsync(endPoint, connecting.Token).AsTask(), connecting);
        using var registration = TokenCancellation.Register(connected, cancellationToken);
        await connected;
    }

    private static async Task<IPAddress[]> ResolveAsync(EventLoop loop, string host, CancellationToken cancellationToken)
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
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "Limit cannot be <= 0");
    }

    private static (LoopStreamReader, LoopStreamWriter) WrapSocket(EventLoop loop, Socket socket, int limit)
    {
        var reader = new LoopStreamReader(limit, loop);
        var transport = new SocketTransport(loop, socket, reader);
        var writer = new LoopStreamWriter(transport, reader);
        transport.Start();
        return (reader, writer);
    }

    /// <summary>Listens on <paramref name="host"/>:<paramref name="port"/> and runs <paramref name="handler"/> as a task for each connection: asyncio's <c>await asyncio.start_server(cb, host, port)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>asyncio.start_server(client_connected_cb, host, port, limit=, backlog=100)</c>.</para>
    /// <para>A <see langword="null"/> or empty host listens on every interface (IPv4 and IPv6);
    /// port 0 picks a free port (see <see cref="Server.Sockets"/>). One listening socket per
    /// resolved address, with <c>SO_REUSEADDR</c> as asyncio sets it. Errors are the
    /// <see cref="SocketException"/> of .NET (<see cref="SocketError.AddressAlreadyInUse"/>, ...);
    /// no socket stays open on failure. The server serves at once; see <see cref="Server"/>.</para>
    /// </remarks>
    /// <param name="loop">The loop the streams belong to; the running loop on its thread.</param>
    /// <param name="handler">Runs as a new task for each accepted connection.</param>
    /// <param name="host">The host name or IP literal to connect to (to listen on, for a server; null or empty: every interface).</param>
    /// <param name="port">The TCP port (0 for a server: any free port).</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="backlog">The listen backlog.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when it fires, from any thread, as cancelling the awaiting task would: no socket stays open.</param>
    /// <remarks>Check first: a bad argument, a closed loop or another thread throws at the call, before any lookup or socket.</remarks>
    public static Task<Server> StartServerAsync(this EventLoop loop, Func<LoopStreamReader, LoopStreamWriter, Task> handler, string? host, int port, int limit = LoopStreamReader.DefaultLimit, int backlog = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        CheckLimit(limit);
        loop.CheckClosed();
        loop.CheckThread(nameof(StartServerAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Server>(cancellationToken);
        return StartServerCoreAsync(loop, handler, host, port, limit, backlog, cancellationToken);
    }

    private static async Task<Server> StartServerCoreAsync(EventLoop loop, Func<LoopStreamReader, LoopStreamWriter, Task> handler, string? host, int port, int limit, int backlog, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (string.IsNullOrEmpty(host))
            addresses = Socket.OSSupportsIPv6 ? [IPAddress.Any, IPAddress.IPv6Any] : [IPAddress.Any];
        else if (IPAddress.TryParse(host, out var literal))
            addresses = [literal];
        else
            addresses = await ResolveAsync(loop, host, cancellationToken);
        var sockets = new List<Socket>();
        try
        {
            foreach (var address in addresses.Distinct())
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                loop.OpenTransportCount++;
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                if (address.AddressFamily == AddressFamily.InterNetworkV6)
                    socket.DualMode = false; // asyncio sets IPV6_V6ONLY: each family has its own socket
                socket.Bind(new IPEndPoint(address, port));
                socket.Listen(backlog);
            }
        }
        catch
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
                loop.OpenTransportCount--;
            }
            throw;
        }
        var server = new Server(loop, sockets, handler, limit);
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
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckLimit(limit);
        loop.CheckClosed();
        loop.CheckThread(nameof(StartUnixServerAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Server>(cancellationToken);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        loop.OpenTransportCount++;
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(backlog);
        }
        catch
        {
            socket.Dispose();
            loop.OpenTransportCount--;
            throw;
        }
        var server = new Server(loop, [socket], handler, limit);
        server.BeginAccepting();
        return Task.FromResult(server);
    }
}
