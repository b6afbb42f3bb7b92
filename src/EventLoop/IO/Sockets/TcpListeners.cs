using System.Net;
using System.Net.Sockets;

namespace Asyncio;

/// <summary>The listening sockets of a TCP server, shared by <c>start_server</c> and <c>create_server</c>: asyncio's <c>base_events.create_server</c> up to <c>listen()</c>.</summary>
internal static class TcpListeners
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
}
