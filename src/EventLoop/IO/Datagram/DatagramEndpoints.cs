using System.Net;
using System.Net.Sockets;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>Datagram (UDP) endpoints that drive protocols: asyncio's <c>loop.create_datagram_endpoint()</c>.</summary>
public static class DatagramEndpoints
{
    /// <summary>Opens a UDP socket driven by the protocol <paramref name="protocolFactory"/> makes: asyncio's <c>await loop.create_datagram_endpoint(protocol_factory, local_addr=, remote_addr=, reuse_port=, allow_broadcast=)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>loop.create_datagram_endpoint(protocol_factory, local_addr=None,
    /// remote_addr=None, reuse_port=None, allow_broadcast=None)</c>.</para>
    /// <para>The socket is bound to <paramref name="localAddress"/> (port 0: any free port) and,
    /// with <paramref name="remoteAddress"/>, connected to it: then it receives from that peer
    /// only, and <see cref="DatagramTransport.SendTo"/> needs no address. A
    /// <see cref="DnsEndPoint"/> is resolved first (its first address). The call returns after
    /// the protocol's <see cref="DatagramProtocol.ConnectionMade"/> has run; on failure no socket
    /// stays open.</para>
    /// <para>Differs from asyncio: addresses are <see cref="EndPoint"/>s (<see cref="IPEndPoint"/>
    /// or <see cref="DnsEndPoint"/>), not tuples; IP only (no <c>AF_UNIX</c> datagrams); at least
    /// one address is required (asyncio's <c>family=</c> alone is not offered), otherwise
    /// <see cref="ArgumentException"/> "unexpected address family". <paramref name="reusePort"/>
    /// is supported on Linux and macOS; elsewhere <see cref="PlatformNotSupportedException"/>.</para>
    /// </remarks>
    /// <typeparam name="TProtocol">The protocol's type, returned as is.</typeparam>
    /// <param name="loop">The loop to run on.</param>
    /// <param name="protocolFactory">Makes the protocol.</param>
    /// <param name="localAddress">The address to bind to.</param>
    /// <param name="remoteAddress">The peer to connect the socket to.</param>
    /// <param name="reusePort">Sets <c>SO_REUSEPORT</c>, so that several endpoints can share the port.</param>
    /// <param name="allowBroadcast">Sets <c>SO_BROADCAST</c>.</param>
    /// <param name="cancellationToken">Ends the call with <see cref="OperationCanceledException"/>, from any thread: what was opened so far is closed.</param>
    public static Task<(DatagramTransport Transport, TProtocol Protocol)> CreateDatagramEndpointAsync<TProtocol>(this EventLoop loop, Func<TProtocol> protocolFactory, EndPoint? localAddress = null, EndPoint? remoteAddress = null, bool reusePort = false, bool allowBroadcast = false, CancellationToken cancellationToken = default)
        where TProtocol : DatagramProtocol
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(protocolFactory);
        if (localAddress is null && remoteAddress is null)
            ThrowHelper.UnexpectedAddressFamily();
        CheckAddress(localAddress, nameof(localAddress));
        CheckAddress(remoteAddress, nameof(remoteAddress));
        SocketReuse.CheckReusePort(reusePort);
        loop.CheckClosed();
        loop.CheckThread(nameof(CreateDatagramEndpointAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<(DatagramTransport, TProtocol)>(cancellationToken);
        return CreateCoreAsync(loop, protocolFactory, localAddress, remoteAddress, reusePort, allowBroadcast, cancellationToken);
    }

    private static void CheckAddress(EndPoint? address, string name)
    {
        if (address is not (null or IPEndPoint or DnsEndPoint))
            throw new ArgumentException($"an IPEndPoint or a DnsEndPoint is needed, not {address.GetType().Name}", name);
    }

    private static async Task<IPEndPoint?> ResolveAsync(EventLoop loop, EndPoint? address, CancellationToken cancellationToken)
    {
        switch (address)
        {
            case null:
                return null;
            case IPEndPoint ip:
                return ip;
            default:
                var dns = (DnsEndPoint)address;
                var addresses = IPAddress.TryParse(dns.Host, out var literal) ? [literal] : await loop.ResolveAsync(dns.Host, cancellationToken);
                if (addresses.Length == 0)
                    throw new SocketException((int)SocketError.HostNotFound);
                return new IPEndPoint(addresses[0], dns.Port);
        }
    }

    private static async Task<(DatagramTransport Transport, TProtocol Protocol)> CreateCoreAsync<TProtocol>(EventLoop loop, Func<TProtocol> protocolFactory, EndPoint? localAddress, EndPoint? remoteAddress, bool reusePort, bool allowBroadcast, CancellationToken cancellationToken)
        where TProtocol : DatagramProtocol
    {
        var local = await ResolveAsync(loop, localAddress, cancellationToken);
        var remote = await ResolveAsync(loop, remoteAddress, cancellationToken);
        var family = (local ?? remote)!.AddressFamily;
        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        TProtocol protocol;
        try
        {
            if (reusePort)
                SocketReuse.SetReusePort(socket);
            if (allowBroadcast)
                socket.EnableBroadcast = true;
            if (local is not null)
                socket.Bind(local);
            if (remote is not null)
                await socket.ConnectAsync(remote, cancellationToken); // UDP: no packet is sent, the peer is only recorded
            protocol = protocolFactory();
            ArgumentNullException.ThrowIfNull(protocol, "protocol");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var transport = new SocketDatagramTransport(loop, socket, protocol, remote);
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
}
