using System.Net.Sockets;

namespace Asyncio.Tests;

/// <summary>Python's <c>socket.socketpair()</c>: two connected Unix domain stream sockets, non-blocking.</summary>
/// <remarks>Unix domain, not loopback TCP: a send is in the peer's buffer when the call returns, so a test's next poll sees it.</remarks>
internal static class SocketPair
{
    public static (Socket A, Socket B) Create()
    {
        string path = Path.Combine(Path.GetTempPath(), "el-pair-" + Guid.NewGuid().ToString("N")[..12]);
        var endPoint = new UnixDomainSocketEndPoint(path);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(endPoint);
        listener.Listen(1);
        var a = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        a.Connect(endPoint);
        var b = listener.Accept();
        File.Delete(path);
        a.Blocking = false;
        b.Blocking = false;
        return (a, b);
    }
}
