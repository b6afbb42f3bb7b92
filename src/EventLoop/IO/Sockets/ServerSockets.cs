using System.Net;
using System.Net.Sockets;

namespace Asyncio;

/// <summary>The listening sockets of a server, shared by the streams and the protocols (<c>start_server</c> and <c>create_server</c>, and their Unix twins): asyncio's <c>base_events.create_server</c> up to <c>listen()</c>.</summary>
internal static class ServerSockets
{
    /// <summary>
    /// One listening socket per address of <paramref name="host"/> (null or empty: every
    /// interface, IPv4 and IPv6), each counted in <see cref="EventLoop._openTransportCount"/>,
    /// with <c>SO_REUSEADDR</c> (<paramref name="reuseAddress"/>, null: asyncio's default),
    /// <c>SO_REUSEPORT</c> (<paramref name="reusePort"/>, checked by the caller) and, for IPv6,
    /// <c>IPV6_V6ONLY</c>, as asyncio sets them. A failed bind throws asyncio's
    /// <c>OSError</c> text in a <see cref="SocketException"/> of the same error. On failure no
    /// socket stays open.
    /// </summary>
    public static async Task<List<Socket>> ListenAsync(EventLoop loop, string? host, int port, int backlog, bool? reuseAddress, bool reusePort, CancellationToken cancellationToken)
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
                bool reuse = reuseAddress ?? SocketReuse.DefaultReuseAddress;
                SocketReuse.BeforeBind(socket, reuse);
                if (reusePort)
                    SocketReuse.SetReusePort(socket);
                if (address.AddressFamily == AddressFamily.InterNetworkV6)
                    socket.DualMode = false; // asyncio sets IPV6_V6ONLY: each family has its own socket
                Bind(socket, new IPEndPoint(address, port));
                SocketReuse.AfterBind(socket, reuse);
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

    /// <summary>asyncio <c>create_server</c>'s bind: the error keeps its code and gets asyncio's text, "error while attempting to bind on address ('127.0.0.1', 8888): address already in use".</summary>
    private static void Bind(Socket socket, IPEndPoint endPoint)
    {
        try
        {
            socket.Bind(endPoint);
        }
        catch (SocketException e)
        {
            // Python's repr of the address tuple: (host, port) for IPv4, (host, port, flowinfo, scope_id) for IPv6.
            string address = endPoint.AddressFamily == AddressFamily.InterNetworkV6
                ? $"('{endPoint.Address.ToString().Split('%')[0]}', {endPoint.Port}, 0, {endPoint.Address.ScopeId})"
                : $"('{endPoint.Address}', {endPoint.Port})";
            throw new SocketException((int)e.SocketErrorCode, $"error while attempting to bind on address {address}: {e.Message.ToLowerInvariant()}");
        }
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
