using System.Net.Sockets;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>
/// <c>SO_REUSEADDR</c> and <c>SO_REUSEPORT</c> as asyncio sets them (base_events.py's
/// <c>create_server</c> and <c>_set_reuseport</c>), shared by the servers and the datagram endpoints.
/// </summary>
/// <remarks>
/// Both are set as raw options. .NET's <see cref="SocketOptionName.ReuseAddress"/> on Unix sets
/// <c>SO_REUSEPORT</c> as well (to give Windows' meaning), so a server that asked for
/// <c>reuse_address</c> only would let a second one bind its port, where asyncio's second bind
/// fails with <c>EADDRINUSE</c>.
/// </remarks>
internal static class SocketReuse
{
    /// <summary>asyncio's <c>_set_reuseport</c> refusal, made before any socket exists: <see cref="PlatformNotSupportedException"/> "reuse_port not supported by socket module" where the system has no <c>SO_REUSEPORT</c>.</summary>
    public static void CheckReusePort(bool reusePort)
    {
        if (reusePort && !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()))
            ThrowHelper.ReusePortUnsupported();
    }

    /// <summary>asyncio's default <c>reuse_address</c>: on where <c>os.name == "posix"</c>, off on Windows (where <c>SO_REUSEADDR</c> lets another socket take the port over).</summary>
    public static bool DefaultReuseAddress => !OperatingSystem.IsWindows();

    /// <summary>Before the bind: sets <c>SO_REUSEADDR</c> alone when <paramref name="reuseAddress"/> is on.</summary>
    public static void BeforeBind(Socket socket, bool reuseAddress)
    {
        if (!reuseAddress)
            return;
        if (OperatingSystem.IsWindows())
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true); // Windows' own option, as Python sets it
        else
            SetRawReuseAddress(socket, 1);
    }

    /// <summary>After the bind: clears <c>SO_REUSEADDR</c> again when <paramref name="reuseAddress"/> is off.</summary>
    /// <remarks>
    /// .NET's <see cref="Socket.Bind"/> sets <c>SO_REUSEADDR</c> on every TCP socket on Unix,
    /// whatever was asked, so that a port held by a connection in <c>TIME_WAIT</c> can be bound
    /// as on Windows. Clearing it afterwards leaves the socket as asyncio's would be (and as a
    /// second server's bind sees it); only that one bind has already had the option.
    /// </remarks>
    public static void AfterBind(Socket socket, bool reuseAddress)
    {
        if (!reuseAddress && !OperatingSystem.IsWindows())
            SetRawReuseAddress(socket, 0);
    }

    private static void SetRawReuseAddress(Socket socket, int value)
    {
        // (SOL_SOCKET, SO_REUSEADDR) per system.
        if (OperatingSystem.IsLinux() || OperatingSystem.IsAndroid())
            socket.SetRawSocketOption(1, 2, BitConverter.GetBytes(value));
        else
            socket.SetRawSocketOption(0xffff, 0x4, BitConverter.GetBytes(value));
    }

    /// <summary>Sets <c>SO_REUSEPORT</c>; the caller has passed <see cref="CheckReusePort"/>.</summary>
    public static void SetReusePort(Socket socket)
    {
        // .NET has no portable SO_REUSEPORT; its values per system (SOL_SOCKET, SO_REUSEPORT).
        if (OperatingSystem.IsLinux())
            socket.SetRawSocketOption(1, 15, BitConverter.GetBytes(1));
        else
            socket.SetRawSocketOption(0xffff, 0x200, BitConverter.GetBytes(1));
    }
}
