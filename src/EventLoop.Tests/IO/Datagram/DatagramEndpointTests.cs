using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Asyncio.Tests.IO.Datagram;

/// <summary>UDP endpoints over loopback on a real-time loop, each run bounded in time; no socket left open.</summary>
public class DatagramEndpointTests : LoopTest
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private class LoggingDatagramProtocol(List<string> log) : DatagramProtocol
    {
        public DatagramTransport? Transport;
        public bool Echo;
        public Future<bool>? Received;
        public Future<bool>? Error;
        public Future<bool>? Lost;

        public override void ConnectionMade(DatagramTransport transport)
        {
            Transport = transport;
            log.Add("made");
        }

        public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint address)
        {
            log.Add("datagram " + Encoding.ASCII.GetString(data));
            if (Echo)
                Transport!.SendTo(data, address);
            if (Received is { Done: false }) Received.SetResult(true);
        }

        public override void ErrorReceived(Exception exception)
        {
            log.Add("error " + ((SocketException)exception).SocketErrorCode);
            if (Error is { Done: false }) Error.SetResult(true);
        }

        public override void ConnectionLost(Exception? exception)
        {
            log.Add("lost " + (exception?.GetType().Name ?? "null"));
            Lost?.SetResult(true);
        }
    }

    [Fact]
    public void EchoRoundTrip_CallbacksInAsyncioOrder()
    {
        var loop = NewRealLoop();
        var serverLog = new List<string>();
        var clientLog = new List<string>();
        EndPoint? clientPeer = null;
        Run(loop, async () =>
        {
            var serverLost = loop.CreateFuture<bool>();
            var (server, _) = await loop.CreateDatagramEndpointAsync(() => new LoggingDatagramProtocol(serverLog) { Echo = true, Lost = serverLost }, localAddress: new IPEndPoint(IPAddress.Loopback, 0));
            var serverAddress = (IPEndPoint)server.GetExtraInfo("sockname")!;
            var received = loop.CreateFuture<bool>();
            var clientLost = loop.CreateFuture<bool>();
            var (client, _) = await loop.CreateDatagramEndpointAsync(() => new LoggingDatagramProtocol(clientLog) { Received = received, Lost = clientLost }, remoteAddress: serverAddress);
            clientLog.Add("returned");
            clientPeer = (EndPoint?)client.GetExtraInfo("peername");
            client.SendTo(B("ping"));
            await received;
            client.Close();
            Assert.True(client.IsClosing);
            server.Close();
            await clientLost;
            await serverLost;
            Assert.Equal(serverAddress, clientPeer);
        });
        Assert.Equal(["made", "returned", "datagram ping", "lost null"], clientLog);
        Assert.Equal(["made", "datagram ping", "lost null"], serverLog);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void ConnectedToAClosedPort_ErrorReceivedGetsConnectionRefusedAndTheEndpointStaysOpen()
    {
        var loop = NewRealLoop();
        var log = new List<string>();
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var closedPort = (IPEndPoint)probe.LocalEndPoint!;
        probe.Close(); // nobody listens there now: the kernel answers with ICMP port unreachable
        Run(loop, async () =>
        {
            var error = loop.CreateFuture<bool>();
            var lost = loop.CreateFuture<bool>();
            var (transport, _) = await loop.CreateDatagramEndpointAsync(() => new LoggingDatagramProtocol(log) { Error = error, Lost = lost }, remoteAddress: closedPort);
            transport.SendTo(B("anyone?"));
            await error;
            Assert.False(transport.IsClosing);
            transport.Close();
            await lost;
        });
        Assert.Equal(["made", "error ConnectionRefused", "lost null"], log);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void SendTo_ConnectedEndpointOtherAddress_ThrowsAsyncioMessage()
    {
        var loop = NewRealLoop();
        Run(loop, async () =>
        {
            var remote = new IPEndPoint(IPAddress.Loopback, 9);
            var lost = loop.CreateFuture<bool>();
            var (transport, _) = await loop.CreateDatagramEndpointAsync(() => new LoggingDatagramProtocol([]) { Lost = lost }, remoteAddress: remote);
            var ex = Assert.Throws<ArgumentException>(() => transport.SendTo(B("x"), new IPEndPoint(IPAddress.Loopback, 10)));
            Assert.Equal("Invalid address: must be None or 127.0.0.1:9", ex.Message);
            transport.Abort();
            await lost;
        });
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void ArgumentChecks_ThrowBeforeAnySocket()
    {
        var loop = NewRealLoop();
        Assert.Throws<ArgumentNullException>(() => { _ = loop.CreateDatagramEndpointAsync<DatagramProtocol>(null!, new IPEndPoint(IPAddress.Loopback, 0)); });
        var ex = Assert.Throws<ArgumentException>(() => { _ = loop.CreateDatagramEndpointAsync(() => new LoggingDatagramProtocol([])); });
        Assert.Equal("unexpected address family", ex.Message);
        Assert.Throws<ArgumentException>(() => { _ = loop.CreateDatagramEndpointAsync(() => new LoggingDatagramProtocol([]), new UnixDomainSocketEndPoint("/tmp/x")); });
        loop.Close();
        var closed = Assert.Throws<InvalidOperationException>(() => { _ = loop.CreateDatagramEndpointAsync(() => new LoggingDatagramProtocol([]), new IPEndPoint(IPAddress.Loopback, 0)); });
        Assert.Equal("Event loop is closed", closed.Message);
        Assert.Equal(0, loop._openTransportCount);
    }
}
