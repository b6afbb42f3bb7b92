using System.Net;
using System.Net.Sockets;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>Awaitable operations on a .NET <see cref="Socket"/> and the resolver: asyncio's <c>loop.sock_*()</c>, <c>loop.getaddrinfo()</c> and <c>loop.getnameinfo()</c>.</summary>
/// <remarks>
/// <para>Each resumes on the loop, and each is cancellable by cancelling the awaiting task or by
/// its <see cref="CancellationToken"/> (the .NET operation is cancelled with it; a cancelled
/// receive takes nothing). While one is in flight a virtual-time loop waits for it instead of
/// reporting a deadlock, as it does for the streams: a receive or accept counts as a wait that
/// may never end (the clock may move while nothing has arrived), a send or connect as real work
/// that ends by itself.</para>
/// <para>Differs from asyncio: asyncio requires a non-blocking socket
/// (<c>sock.setblocking(False)</c>, checked in debug mode). .NET's asynchronous socket
/// operations never block the calling thread whatever <see cref="Socket.Blocking"/> says, so any
/// socket will do and none is changed. Errors are the <see cref="SocketException"/> of .NET
/// (asyncio's <c>ConnectionRefusedError</c> is <see cref="SocketError.ConnectionRefused"/>).</para>
/// <para>Check first: a null argument, a closed loop or a call from another thread throws at the
/// call, before the socket is touched.</para>
/// </remarks>
public static class SocketOperations
{
    /// <summary>Receives up to <paramref name="count"/> bytes: asyncio's <c>await loop.sock_recv(sock, nbytes)</c>.</summary>
    /// <returns>The bytes received; empty at the end of the stream.</returns>
    /// <param name="loop">The loop.</param>
    /// <param name="socket">A connected socket.</param>
    /// <param name="count">The most bytes to receive; positive.</param>
    /// <param name="cancellationToken">Cancels the receive.</param>
    public static Task<byte[]> SockRecvAsync(this EventLoop loop, Socket socket, int count, CancellationToken cancellationToken = default)
    {
        Check(loop, socket, nameof(SockRecvAsync));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return RecvCoreAsync(loop, socket, count, cancellationToken);
    }

    private static async Task<byte[]> RecvCoreAsync(EventLoop loop, Socket socket, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        int received = await SockRecvIntoCoreAsync(loop, socket, buffer, cancellationToken);
        return received == count ? buffer : buffer.AsSpan(0, received).ToArray();
    }

    /// <summary>Receives into <paramref name="buffer"/>: asyncio's <c>await loop.sock_recv_into(sock, buf)</c>.</summary>
    /// <returns>The count of bytes received; 0 at the end of the stream.</returns>
    /// <param name="loop">The loop.</param>
    /// <param name="socket">A connected socket.</param>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="cancellationToken">Cancels the receive.</param>
    public static Task<int> SockRecvIntoAsync(this EventLoop loop, Socket socket, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Check(loop, socket, nameof(SockRecvIntoAsync));
        return SockRecvIntoCoreAsync(loop, socket, buffer, cancellationToken);
    }

    private static Task<int> SockRecvIntoCoreAsync(EventLoop loop, Socket socket, Memory<byte> buffer, CancellationToken cancellationToken) =>
        AwaitAsync(loop, static (s, b, ct) => s.ReceiveAsync((Memory<byte>)b!, SocketFlags.None, ct).AsTask(), socket, buffer, new ReadProbe(socket), cancellationToken);

    /// <summary>Sends all of <paramref name="data"/>: asyncio's <c>await loop.sock_sendall(sock, data)</c>.</summary>
    /// <remarks>On cancellation or error, how much was sent is unknown, as in asyncio.</remarks>
    /// <param name="loop">The loop.</param>
    /// <param name="socket">A connected socket.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public static Task SockSendAllAsync(this EventLoop loop, Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        Check(loop, socket, nameof(SockSendAllAsync));
        return AwaitAsync(loop, static async (s, d, ct) =>
        {
            var remaining = (ReadOnlyMemory<byte>)d!;
            while (!remaining.IsEmpty)
                remaining = remaining[await s.SendAsync(remaining, SocketFlags.None, ct).ConfigureAwait(false)..];
            return true;
        }, socket, data, probe: null, cancellationToken);
    }

    /// <summary>Connects <paramref name="socket"/> to <paramref name="address"/>: asyncio's <c>await loop.sock_connect(sock, address)</c>.</summary>
    /// <param name="loop">The loop.</param>
    /// <param name="socket">An unconnected socket.</param>
    /// <param name="address">The peer (a <see cref="DnsEndPoint"/> is resolved by .NET).</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    public static Task SockConnectAsync(this EventLoop loop, Socket socket, EndPoint address, CancellationToken cancellationToken = default)
    {
        Check(loop, socket, nameof(SockConnectAsync));
        ArgumentNullException.ThrowIfNull(address);
        return AwaitAsync(loop, static async (s, a, ct) =>
        {
            await s.ConnectAsync((EndPoint)a!, ct).ConfigureAwait(false);
            return true;
        }, socket, address, probe: null, cancellationToken);
    }

    /// <summary>Accepts a connection: asyncio's <c>await loop.sock_accept(sock)</c>.</summary>
    /// <returns>The connected socket and the peer's address: asyncio's <c>(conn, address)</c>.</returns>
    /// <param name="loop">The loop.</param>
    /// <param name="socket">A listening socket.</param>
    /// <param name="cancellationToken">Cancels the accept.</param>
    public static async Task<(Socket Socket, EndPoint? Address)> SockAcceptAsync(this EventLoop loop, Socket socket, CancellationToken cancellationToken = default)
    {
        Check(loop, socket, nameof(SockAcceptAsync));
        var accepted = await AwaitAsync(loop, static (s, _, ct) => s.AcceptAsync(ct).AsTask(), socket, null, new ReadProbe(socket), cancellationToken);
        return (accepted, accepted.RemoteEndPoint);
    }

    /// <summary>Sends one datagram to <paramref name="address"/>: asyncio's <c>await loop.sock_sendto(sock, data, address)</c>.</summary>
    /// <returns>The count of bytes sent.</returns>
    /// <param name="loop">The loop.</param>
    /// <param name="socket">A datagram socket.</param>
    /// <param name="data">The datagram.</param>
    /// <param name="address">The destination.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public static Task<int> SockSendToAsync(this EventLoop loop, Socket socket, ReadOnlyMemory<byte> data, EndPoint address, CancellationToken cancellationToken = default)
    {
        Check(loop, socket, nameof(SockSendToAsync));
        ArgumentNullException.ThrowIfNull(address);
        return AwaitAsync(loop, static (s, st, ct) =>
        {
            var (d, a) = ((ReadOnlyMemory<byte>, EndPoint))st!;
            return s.SendToAsync(d, SocketFlags.None, a, ct).AsTask();
        }, socket, (data, address), probe: null, cancellationToken);
    }

    /// <summary>Receives one datagram of up to <paramref name="count"/> bytes: asyncio's <c>await loop.sock_recvfrom(sock, bufsize)</c>.</summary>
    /// <returns>The datagram and its sender: asyncio's <c>(data, address)</c>.</returns>
    /// <param name="loop">The loop.</param>
    /// <param name="socket">A bound datagram socket.</param>
    /// <param name="count">The most bytes to take; a longer datagram is truncated, as in asyncio.</param>
    /// <param name="cancellationToken">Cancels the receive.</param>
    public static async Task<(byte[] Data, EndPoint Address)> SockRecvFromAsync(this EventLoop loop, Socket socket, int count, CancellationToken cancellationToken = default)
    {
        Check(loop, socket, nameof(SockRecvFromAsync));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var buffer = new byte[count];
        var result = await AwaitAsync(loop, static (s, b, ct) =>
        {
            EndPoint any = s.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
            return ReceiveFromTruncatingAsync(s, (byte[])b!, any, ct);
        }, socket, buffer, new ReadProbe(socket), cancellationToken);
        return (result.ReceivedBytes == count ? buffer : buffer.AsSpan(0, result.ReceivedBytes).ToArray(), result.RemoteEndPoint);
    }

    // Python's recvfrom truncates a datagram longer than the buffer; .NET reports EMSGSIZE for it.
    private static async Task<SocketReceiveFromResult> ReceiveFromTruncatingAsync(Socket socket, byte[] buffer, EndPoint any, CancellationToken cancellationToken)
    {
        var result = await socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
        return new SocketReceiveFromResult { ReceivedBytes = result.ReceivedBytes, RemoteEndPoint = result.RemoteEndPoint };
    }

    /// <summary>Resolves <paramref name="host"/>: asyncio's <c>await loop.getaddrinfo(host, port, family=0, type=0, proto=0)</c>.</summary>
    /// <remarks>
    /// <para>One entry per address and socket type, as the C library's <c>getaddrinfo</c> returns
    /// them: with <paramref name="type"/> unspecified, each address comes as a stream (TCP), a
    /// datagram (UDP) and a raw entry, in that order, as CPython's does on Linux. An IP literal is
    /// not looked up. A name that does not resolve throws <see cref="SocketException"/>
    /// (<see cref="SocketError.HostNotFound"/> or similar: asyncio's <c>socket.gaierror</c>).</para>
    /// <para>Differs from asyncio: on .NET's <see cref="Dns"/>; no <c>flags</c>; the canonical name is always empty.</para>
    /// </remarks>
    /// <param name="loop">The loop.</param>
    /// <param name="host">A host name or IP literal.</param>
    /// <param name="port">The port put in each address.</param>
    /// <param name="family"><see cref="AddressFamily.Unspecified"/>, <see cref="AddressFamily.InterNetwork"/> or <see cref="AddressFamily.InterNetworkV6"/>.</param>
    /// <param name="type"><see cref="SocketType.Unknown"/> (any), <see cref="SocketType.Stream"/>, <see cref="SocketType.Dgram"/> or <see cref="SocketType.Raw"/>.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public static Task<IReadOnlyList<AddressInfo>> GetAddrInfoAsync(this EventLoop loop, string host, int port, AddressFamily family = AddressFamily.Unspecified, SocketType type = SocketType.Unknown, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(host);
        Ports.Check(port);
        if (family is not (AddressFamily.Unspecified or AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            throw new ArgumentException($"unsupported address family {family}", nameof(family));
        if (type is not (SocketType.Unknown or SocketType.Stream or SocketType.Dgram or SocketType.Raw))
            throw new ArgumentException($"unsupported socket type {type}", nameof(type));
        loop.CheckClosed();
        loop.CheckThread(nameof(GetAddrInfoAsync));
        return GetAddrInfoCoreAsync(loop, host, port, family, type, cancellationToken);
    }

    private static async Task<IReadOnlyList<AddressInfo>> GetAddrInfoCoreAsync(EventLoop loop, string host, int port, AddressFamily family, SocketType type, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await loop.ResolveAsync(host, cancellationToken);
        var kinds = type switch
        {
            SocketType.Stream => [(SocketType.Stream, ProtocolType.Tcp)],
            SocketType.Dgram => [(SocketType.Dgram, ProtocolType.Udp)],
            SocketType.Raw => [(SocketType.Raw, ProtocolType.IP)],
            _ => new[] { (SocketType.Stream, ProtocolType.Tcp), (SocketType.Dgram, ProtocolType.Udp), (SocketType.Raw, ProtocolType.IP) },
        };
        var results = new List<AddressInfo>();
        foreach (var address in addresses)
        {
            if (family != AddressFamily.Unspecified && address.AddressFamily != family)
                continue;
            foreach (var (socketType, protocol) in kinds)
                results.Add(new AddressInfo(address.AddressFamily, socketType, protocol, "", new IPEndPoint(address, port)));
        }
        if (results.Count == 0)
            throw new SocketException((int)SocketError.AddressFamilyNotSupported);
        return results;
    }

    /// <summary>Looks up the host name of an address: asyncio's <c>await loop.getnameinfo(sockaddr)</c>.</summary>
    /// <returns>asyncio's <c>(host, service)</c>: the host name (the address itself when it has no name), and the port in decimal.</returns>
    /// <remarks>Differs from asyncio: no <c>flags</c>; the service is always numeric (asyncio's <c>NI_NUMERICSERV</c>), since .NET has no service database.</remarks>
    /// <param name="loop">The loop.</param>
    /// <param name="address">The address to look up.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public static Task<(string Host, string Service)> GetNameInfoAsync(this EventLoop loop, IPEndPoint address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(address);
        loop.CheckClosed();
        loop.CheckThread(nameof(GetNameInfoAsync));
        return AwaitAsync(loop, static async (_, a, ct) =>
        {
            var endPoint = (IPEndPoint)a!;
            string host;
            try
            {
                host = (await Dns.GetHostEntryAsync(endPoint.Address).WaitAsync(ct).ConfigureAwait(false)).HostName;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
            {
                host = endPoint.Address.ToString(); // getnameinfo without NI_NAMEREQD: the numeric form
            }
            return (host, endPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }, null!, address, probe: null, cancellationToken);
    }

    private static void Check(EventLoop loop, Socket socket, string operation)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(socket);
        loop.CheckClosed();
        loop.CheckThread(operation);
    }

    /// <summary>Runs a .NET socket operation as a loop Future: it resumes on the loop, and cancelling the wait cancels the operation.</summary>
    /// <remarks>With a probe the wait may never end by itself (a receive, an accept): it is counted as the streams count their receive; without, as real work (a send, a connect, a lookup).</remarks>
    private static async Task<T> AwaitAsync<T>(EventLoop loop, Func<Socket, object?, CancellationToken, Task<T>> operation, Socket socket, object? state, EventLoop.IReadinessProbe? probe, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var cancellation = new CancellationTokenSource();
        var future = new ExternalFuture<T>(loop);
        future.Attach(operation(socket, state, cancellation.Token), cancellation, uncountOnCancel: true, real: probe is null);
        if (probe is not null)
            loop.ProbedWaitStarted(probe);
        try
        {
            using var registration = TokenCancellation.Register(future, cancellationToken);
            return await future;
        }
        finally
        {
            if (probe is not null)
                loop.ProbedWaitEnded(probe);
        }
    }

    /// <summary>A pending receive or accept, ready for a virtual clock when the socket has something for it.</summary>
    private sealed class ReadProbe(Socket socket) : EventLoop.IReadinessProbe
    {
        public bool IsReady => socket.Available > 0 || socket.Poll(0, SelectMode.SelectRead);
    }
}
