// UDP echo server on this library's CreateDatagramEndpointAsync: every datagram is sent back to
// its sender, as server_udp.py (asyncio, uvloop) and server_udp_node.js (dgram) do.
// usage: UdpEchoServer PORT
using System.Globalization;
using System.Net;
using Asyncio;

int port = int.Parse(args[0], CultureInfo.InvariantCulture);
EventLoop.Run(async () =>
{
    var loop = EventLoop.GetRunningLoop();
    var (transport, _) = await loop.CreateDatagramEndpointAsync(() => new Echo(), localAddress: new IPEndPoint(IPAddress.Loopback, port));
    Console.WriteLine("serving");
    await loop.CreateFuture<bool>(); // forever; the benchmark kills the process
    transport.Close();
});

internal sealed class Echo : DatagramProtocol
{
    private DatagramTransport? _transport;

    public override void ConnectionMade(DatagramTransport transport) => _transport = transport;

    public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint address) => _transport!.SendTo(data, address);
}
