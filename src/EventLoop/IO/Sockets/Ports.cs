using System.Net;

namespace Asyncio;

/// <summary>The port check every connecting and listening call makes before any socket exists.</summary>
internal static class Ports
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless 0 &lt;= <paramref name="port"/> &lt;= 65535 (0: any free port, for a server).</summary>
    public static void Check(int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
    }
}
