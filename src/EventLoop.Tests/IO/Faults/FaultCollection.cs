using System.Net;
using System.Net.Sockets;

namespace Asyncio.Tests.IO.Faults;

/// <summary>
/// The fault tests count the process's open sockets before and after: they run alone, so that no
/// other test opens or closes a socket meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection
{
    public const string Name = "I/O faults and hostile peers";

    /// <summary>The process's open sockets (links <c>socket:[inode]</c> in <c>/proc/self/fd</c>); -1 where there is no /proc.</summary>
    internal static int OpenSockets()
    {
        if (!Directory.Exists("/proc/self/fd"))
            return -1;
        int count = 0;
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:", StringComparison.Ordinal))
                    count++;
            }
            catch (IOException)
            {
                // The fd closed between the listing and the look: it is not open any more.
            }
        }
        return count;
    }

    /// <summary>No more sockets open than <paramref name="before"/>: fewer is fine, a socket of an earlier test may have closed meanwhile.</summary>
    internal static void AssertNoSocketLeft(int before)
    {
        int after = OpenSockets();
        Assert.True(after <= before, $"sockets open before: {before}, after: {after}");
    }

    internal static int PortOf(Server server) => ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;

    /// <summary>A socket bound to a loopback port and not listening: a connection to its port is refused, and no other process can take the port meanwhile.</summary>
    internal static Socket BoundNotListening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>Makes the next close of <paramref name="socket"/> send a reset (RST) instead of a FIN.</summary>
    internal static void ResetOnClose(Socket socket) => socket.LingerState = new LingerOption(true, 0);
}

/// <summary>A fact that runs only where looking up a reserved name (RFC 6761's <c>.invalid</c>) answers within five seconds.</summary>
public sealed class ResolverAnswersFactAttribute : FactAttribute
{
    public const string Name = "nonexistent.invalid";

    private static readonly Lazy<string?> s_skip = new(Probe);

    public ResolverAnswersFactAttribute()
    {
        if (s_skip.Value is { } reason)
            Skip = reason;
    }

    private static string? Probe()
    {
        var lookup = Dns.GetHostAddressesAsync(Name);
        try
        {
            if (!lookup.Wait(TimeSpan.FromSeconds(5)))
                return $"looking up \"{Name}\" did not answer within 5 s in this environment (no resolver?)";
        }
        catch (AggregateException)
        {
            // Expected: the name does not resolve.
        }
        return null;
    }
}
