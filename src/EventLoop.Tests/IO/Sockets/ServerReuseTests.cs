using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Asyncio.Tests.IO.Tls;

namespace Asyncio.Tests.IO.Sockets;

/// <summary>
/// <c>reuse_port</c> and <c>reuse_address</c> on the TCP servers (<c>StartServerAsync</c>, plain and
/// TLS, and <c>CreateServerAsync</c>), over loopback on a real-time loop, each run bounded in time.
/// </summary>
/// <remarks>
/// Which of two servers sharing a port the kernel hands a connection to is not fixed, so no test
/// counts the spread: the server that took the first connection is closed, and the other must take
/// the next (a closed listener leaves the port's group at once). The socket option numbers are
/// Linux's, the platform the suite runs on (transcript 122 is the asyncio side).
/// </remarks>
public class ServerReuseTests : LoopTest
{
    private static int PortOf(Server server) => ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;

    private static int Option(Server server, int name)
    {
        var value = new byte[4];
        server.Sockets[0].GetRawSocketOption(1, name, value); // SOL_SOCKET; SO_REUSEADDR 2, SO_REUSEPORT 15
        return BitConverter.ToInt32(value);
    }

    private static bool CanBind(IPAddress address)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(address, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private sealed class Named(string name) : Protocol
    {
        public override void ConnectionMade(Transport transport)
        {
            transport.Write(Encoding.ASCII.GetBytes(name + "\n"));
            transport.Close();
        }
    }

    private sealed class Quiet : DatagramProtocol;

    private static async Task<string> AskAsync(EventLoop loop, int port)
    {
        var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", port);
        var line = Encoding.ASCII.GetString(await reader.ReadLineAsync());
        writer.Close();
        await writer.WaitClosedAsync();
        return line;
    }

    [Fact]
    public void CreateServerAsync_ReusePort_SetsSoReusePortOnlyWhenAsked()
    {
        // cpython: test_events.py::test_create_server_reuse_port
        var loop = NewRealLoop();
        var options = Run(loop, async () =>
        {
            var options = new List<int>();
            foreach (bool reusePort in new[] { false, true })
            {
                var server = await loop.CreateServerAsync(() => new Named("x"), "0.0.0.0", 0, reusePort: reusePort);
                Assert.Single(server.Sockets);
                options.Add(Option(server, 15));
                server.Close();
                await server.WaitClosedAsync();
            }
            return options;
        });
        Assert.Equal([0, 1], options);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void StreamAndProtocolServers_ReusePortOnBoth_ShareThePortAndEachAccepts()
    {
        var loop = NewRealLoop();
        var (first, second, port, secondPort) = Run(loop, async () =>
        {
            var streams = await loop.StartServerAsync(async (reader, writer) =>
            {
                writer.Write("streams\n"u8.ToArray());
                await writer.DrainAsync();
                writer.Close();
            }, "127.0.0.1", 0, reusePort: true);
            int port = PortOf(streams);
            var protocols = await loop.CreateServerAsync(() => new Named("protocols"), "127.0.0.1", port, reusePort: true);
            int secondPort = PortOf(protocols);
            var servers = new Dictionary<string, Server> { ["streams\n"] = streams, ["protocols\n"] = protocols };

            var first = await AskAsync(loop, port);
            servers[first].Close();
            await servers[first].WaitClosedAsync();
            var second = await AskAsync(loop, port);
            servers[second].Close();
            await servers[second].WaitClosedAsync();
            return (first, second, port, secondPort);
        });
        Assert.Equal(port, secondPort);
        Assert.Equal(["protocols\n", "streams\n"], new[] { first, second }.Order());
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void TlsServers_ReusePortOnBoth_ShareThePortAndTheOptionsAreAsAsked()
    {
        var loop = NewRealLoop();
        var (options, echoed) = Run(loop, async () =>
        {
            async Task Echo(LoopStreamReader reader, LoopStreamWriter writer)
            {
                writer.Write(await reader.ReadLineAsync());
                await writer.DrainAsync();
                writer.Close();
            }

            var first = await loop.StartServerAsync(Echo, "127.0.0.1", 0, TestCertificates.Server(), reusePort: true);
            var second = await loop.StartServerAsync(Echo, "127.0.0.1", PortOf(first), TestCertificates.Server(), reuseAddress: false, reusePort: true);
            var options = (Option(first, 2), Option(first, 15), Option(second, 2), Option(second, 15));
            var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", PortOf(first), TestCertificates.Client());
            writer.Write("over tls\n"u8.ToArray());
            var echoed = Encoding.ASCII.GetString(await reader.ReadLineAsync());
            writer.Close();
            await writer.WaitClosedAsync();
            foreach (var server in new[] { first, second })
            {
                server.Close();
                await server.WaitClosedAsync();
            }
            return (options, echoed);
        });
        Assert.Equal((1, 1, 0, 1), options);
        Assert.Equal("over tls\n", echoed);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void CreateServerAsync_PortTakenWithoutReusePortOnBoth_ThrowsAsyncioBindErrorAndLeavesNoSocket(bool firstReuses, bool secondReuses)
    {
        // asyncio 3.12: OSError(EADDRINUSE, "error while attempting to bind on address ('127.0.0.1', PORT): address already in use")
        var loop = NewRealLoop();
        var (error, port, openAfterFailure) = Run(loop, async () =>
        {
            var server = await loop.CreateServerAsync(() => new Named("first"), "127.0.0.1", 0, reusePort: firstReuses);
            int port = PortOf(server);
            var error = await Raises<SocketException>(() => loop.CreateServerAsync(() => new Named("second"), "127.0.0.1", port, reusePort: secondReuses));
            int openAfterFailure = loop._openTransportCount;
            server.Close();
            await server.WaitClosedAsync();
            return (error, port, openAfterFailure);
        });
        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
        Assert.Equal(98, error.NativeErrorCode); // Linux's EADDRINUSE, asyncio's errno
        Assert.Equal($"error while attempting to bind on address ('127.0.0.1', {port.ToString(CultureInfo.InvariantCulture)}): address already in use", error.Message);
        Assert.Equal(1, openAfterFailure); // the first server's socket only
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void StartServerAsync_IPv6PortTaken_NamesTheAddressAsPythonsFourTuple()
    {
        if (!Socket.OSSupportsIPv6 || !CanBind(IPAddress.IPv6Loopback))
            return; // no IPv6 loopback here: nothing to bind
        var loop = NewRealLoop();
        var (error, port) = Run(loop, async () =>
        {
            static Task Idle(LoopStreamReader reader, LoopStreamWriter writer) => Task.CompletedTask;
            var server = await loop.StartServerAsync(Idle, "::1", 0);
            int port = PortOf(server);
            var error = await Raises<SocketException>(() => loop.StartServerAsync(Idle, "::1", port));
            server.Close();
            await server.WaitClosedAsync();
            return (error, port);
        });
        Assert.Equal($"error while attempting to bind on address ('::1', {port.ToString(CultureInfo.InvariantCulture)}, 0, 0): address already in use", error.Message);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void ReusePort_OnAClosedLoop_RefusedAsAnArgumentWhereUnsupportedElseAsAClosedLoop()
    {
        // Check first: an unsupported reusePort is refused with the argument checks, before the
        // loop's own checks and before any socket. Which branch runs depends on the platform.
        var loop = NewRealLoop();
        loop.Close();
        static Task Idle(LoopStreamReader reader, LoopStreamWriter writer) => Task.CompletedTask;
        var calls = new Action[]
        {
            () => _ = loop.StartServerAsync(Idle, "127.0.0.1", 0, reusePort: true),
            () => _ = loop.StartServerAsync(Idle, "127.0.0.1", 0, TestCertificates.Server(), reusePort: true),
            () => _ = loop.CreateServerAsync(() => new Named("x"), "127.0.0.1", 0, reusePort: true),
            () => _ = loop.CreateDatagramEndpointAsync(() => new Quiet(), new IPEndPoint(IPAddress.Loopback, 0), reusePort: true),
        };
        bool supported = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();
        foreach (var call in calls)
        {
            if (supported)
                Assert.Equal("Event loop is closed", Assert.Throws<InvalidOperationException>(call).Message);
            else
                Assert.Equal("reuse_port not supported by socket module", Assert.Throws<PlatformNotSupportedException>(call).Message);
        }
        // A bad port is refused before reusePort is looked at, on every platform.
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.CreateServerAsync(() => new Named("x"), "127.0.0.1", -1, reusePort: true); });
        Assert.Equal(0, loop._openTransportCount);
    }
}
