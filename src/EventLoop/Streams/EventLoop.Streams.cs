using System.Net;
using System.Net.Sockets;
using Asyncio.Internal;

namespace Asyncio;

public sealed partial class EventLoop
{
    /// <summary>Transports and listening sockets of this loop not yet closed (leak checks in tests); loop thread only.</summary>
    internal int OpenTransportCount;

    /// <summary>
    /// Runs <paramref name="body"/> outside any task, under the loop's own SynchronizationContext, so
    /// that every await in it resumes as a plain callback on the loop, whichever task started it.
    /// </summary>
    internal void StartDetached(Func<object, Task> body, object state)
    {
        var previousContext = SynchronizationContext.Current;
        var previousTask = CurrentTaskField;
        SynchronizationContext.SetSynchronizationContext(_loopContext);
        CurrentTaskField = null;
        try
        {
            _ = body(state);
        }
        finally
        {
            CurrentTaskField = previousTask;
            SynchronizationContext.SetSynchronizationContext(previousContext);
        }
    }

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
    /// <param name="host">The host name or IP literal to connect to (to listen on, for a server; null or empty: every interface).</param>
    /// <param name="port">The TCP port (0 for a server: any free port).</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when it fires, from any thread, as cancelling the awaiting task would: what was opened so far is closed.</param>
    /// <remarks>Check first: a bad argument, a closed loop or another thread throws at the call, before any lookup or socket.</remarks>
    public Task<(LoopStreamReader Reader, LoopStreamWriter Writer)> OpenConnectionAsync(string host, int port, int limit = LoopStreamReader.DefaultLimit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        CheckLimit(limit);
        CheckClosed();
        CheckThread(nameof(OpenConnectionAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<(LoopStreamReader, LoopStreamWriter)>(cancellationToken);
        return OpenConnectionCoreAsync(host, port, limit, cancellationToken);
    }

    private async Task<(LoopStreamReader Reader, LoopStreamWriter Writer)> OpenConnectionCoreAsync(string host, int port, int limit, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            addresses = await ResolveAsync(host, cancellationToken);
        }
        Exception? first = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            OpenTransportCount++;
            try
            {
                await ConnectAsync(socket, new IPEndPoint(address, port), cancellationToken);
            }
            catch (Exception exception)
            {
                socket.Dispose();
                OpenTransportCount--;
                if (exception is OperationCanceledException)
                    throw;
                first ??= exception;
                continue;
            }
            OpenTransportCount--; // the transport counts it from here on
            return WrapSocket(socket, limit);
        }
        throw first ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>Opens a Unix domain socket connection and returns its reader and writer: asyncio's <c>await asyncio.open_unix_connection(path)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.open_unix_connection(path, limit=limit)</c>; errors as <see cref="OpenConnectionAsync"/> (a missing path is <see cref="SocketError.AddressNotAvailable"/> or similar).</remarks>
    /// <param name="path">The Unix domain socket path.</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when it fires, from any thread, as cancelling the awaiting task would: what was opened so far is closed.</param>
    public Task<(LoopStreamReader Reader, LoopStreamWriter Writer)> OpenUnixConnectionAsync(string path, int limit = LoopStreamReader.DefaultLimit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckLimit(limit);
        CheckClosed();
        CheckThread(nameof(OpenUnixConnectionAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<(LoopStreamReader, LoopStreamWriter)>(cancellationToken);
        return OpenUnixConnectionCoreAsync(path, limit, cancellationToken);
    }

    private async Task<(LoopStreamReader Reader, LoopStreamWriter Writer)> OpenUnixConnectionCoreAsync(string path, int limit, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        OpenTransportCount++;
        try
        {
            await ConnectAsync(socket, new UnixDomainSocketEndPoint(path), cancellationToken);
        }
        catch
        {
            socket.Dispose();
            OpenTransportCount--;
            throw;
        }
        OpenTransportCount--;
        return WrapSocket(socket, limit);
    }

    internal async Task ConnectAsync(Socket socket, EndPoint endPoint, CancellationToken cancellationToken)
    {
        var connecting = new CancellationTokenSource();
        var connected = WrapFuture(socket.ConnectAsync(endPoint, connecting.Token).AsTask(), connecting);
        using var registration = TokenCancellation.Register(connected, cancellationToken);
        await connected;
    }

    internal async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var resolving = new CancellationTokenSource();
        var resolved = WrapFuture(Dns.GetHostAddressesAsync(host, resolving.Token), resolving);
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

    private (LoopStreamReader, LoopStreamWriter) WrapSocket(Socket socket, int limit)
    {
        var reader = new LoopStreamReader(limit, this);
        var transport = new SocketTransport(this, socket, reader);
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
    /// <param name="handler">Runs as a new task for each accepted connection.</param>
    /// <param name="host">The host name or IP literal to connect to (to listen on, for a server; null or empty: every interface).</param>
    /// <param name="port">The TCP port (0 for a server: any free port).</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="backlog">The listen backlog.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when it fires, from any thread, as cancelling the awaiting task would: no socket stays open.</param>
    /// <remarks>Check first: a bad argument, a closed loop or another thread throws at the call, before any lookup or socket.</remarks>
    public Task<Server> StartServerAsync(Func<LoopStreamReader, LoopStreamWriter, Task> handler, string? host, int port, int limit = LoopStreamReader.DefaultLimit, int backlog = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        CheckLimit(limit);
        CheckClosed();
        CheckThread(nameof(StartServerAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Server>(cancellationToken);
        return StartServerCoreAsync(handler, host, port, limit, backlog, cancellationToken);
    }

    private async Task<Server> StartServerCoreAsync(Func<LoopStreamReader, LoopStreamWriter, Task> handler, string? host, int port, int limit, int backlog, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (string.IsNullOrEmpty(host))
            addresses = Socket.OSSupportsIPv6 ? [IPAddress.Any, IPAddress.IPv6Any] : [IPAddress.Any];
        else if (IPAddress.TryParse(host, out var literal))
            addresses = [literal];
        else
            addresses = await ResolveAsync(host, cancellationToken);
        var sockets = new List<Socket>();
        try
        {
            foreach (var address in addresses.Distinct())
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                OpenTransportCount++;
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
                OpenTransportCount--;
            }
            throw;
        }
        var server = new Server(this, sockets, handler, limit);
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
    /// <param name="handler">Runs as a new task for each accepted connection.</param>
    /// <param name="path">The Unix domain socket path.</param>
    /// <param name="limit">The buffer limit of each reader (see <see cref="LoopStreamReader.Limit"/>); must be positive.</param>
    /// <param name="backlog">The listen backlog.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/> when it fires, from any thread, as cancelling the awaiting task would: no socket stays open.</param>
    public Task<Server> StartUnixServerAsync(Func<LoopStreamReader, LoopStreamWriter, Task> handler, string path, int limit = LoopStreamReader.DefaultLimit, int backlog = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckLimit(limit);
        CheckClosed();
        CheckThread(nameof(StartUnixServerAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Server>(cancellationToken);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        OpenTransportCount++;
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(backlog);
        }
        catch
        {
            socket.Dispose();
            OpenTransportCount--;
            throw;
        }
        var server = new Server(this, [socket], handler, limit);
        server.BeginAccepting();
        return Task.FromResult(server);
    }
}
