using System.Net;
using System.Net.Sockets;

namespace Asyncio;

/// <summary>The listening sockets of a server, shared by the streams and the protocols (<c>start_server</c> and <c>create_server</c>, and their Unix twins): asyncio's <c>base_events.create_server</c> up to <c>listen()</c>.</summary>
internal static class ServerSockets
{
    /// <summary>
    /// One listening socket per address of <paramref name="host"/> (null or empty: every
    /// interface, IPv4 and IPv6), each counted in <see cref="EventLoop._openTransportCount"/>,
    /// with <c>SO_REUSEADDR</c> and, for IPv6, <c>IPV6_V6ONLY</c> as asyncio sets them. On
    /// failure no socket stays open.
    /// </summary>
    public static async Task<List<Socket>> ListenAsync(EventLoop loop, string? host, int port, int backlog, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (string.IsNullOrEmpty(host))
            addresses = Socket.OSSupportsIPv6 ? [IPAddress.Any, IPAddress.IPv6Any] : [IPAddress.Any];
        else if (IPAddress.TryParse(host, out var literal))
            addresses = [literal];
        else
            addresses = await loop.ResolveAsync(host, cancellationToken);
        var sockets = new List<Socket>();
        try
        {
            foreach (var address in addresses.Distinct())
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                loop._openTransportCount++;
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
                loop._openTransportCount--;
            }
            throw;
        }
        return sockets;
    }

    /// <summary>
    /// The listening socket of a Unix domain server at <paramref name="path"/>, counted in
    /// <see cref="EventLoop._openTransportCount"/>, shared by <c>start_unix_server</c> and
    /// <c>create_unix_server</c>. On failure no socket stays open.
    /// </summary>
    public static Socket ListenUnix(EventLoop loop, string path, int backlog)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        loop._openTransportCount++;
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(backlog);
        }
        catch
        {
            socket.Dispose();
            loop._openTransportCount--;
            throw;
        }
        return socket;
    }
}
