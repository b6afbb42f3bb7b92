// The UDP echo server and client of the asyncio documentation ("Transports and Protocols" page),
// in one program on 127.0.0.1 and a free port. The client sends each message only after the
// echo of the one before came back, so the transcript is the same on every run; the client's
// port changes from run to run and is not printed.
using System.Net;
using System.Text;
using Asyncio;

EventLoop.Run(async () =>
{
    var loop = EventLoop.GetRunningLoop();

    Console.WriteLine("Starting UDP server");
    var (server, _) = await loop.CreateDatagramEndpointAsync(
        () => new EchoServerProtocol(), localAddress: new IPEndPoint(IPAddress.Loopback, 0));
    var serverAddress = (IPEndPoint)server.GetExtraInfo("sockname")!;

    var lost = loop.CreateFuture<bool>();
    var (client, protocol) = await loop.CreateDatagramEndpointAsync(
        () => new EchoClientProtocol(lost), remoteAddress: serverAddress);
    foreach (var message in new[] { "Hello World!", "ping", "bye" })
    {
        protocol.Echoed = loop.CreateFuture<string>();
        client.SendTo(Encoding.UTF8.GetBytes(message));
        Console.WriteLine($"Send: '{message}'");
        await protocol.Echoed;
    }
    Console.WriteLine("Close the socket");
    client.Close();
    await lost;
    server.Close();
});

internal sealed class EchoServerProtocol : DatagramProtocol
{
    private DatagramTransport? _transport;

    public override void ConnectionMade(DatagramTransport transport) => _transport = transport;

    public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint address)
    {
        string message = Encoding.UTF8.GetString(data);
        Console.WriteLine($"Server received '{message}' from {((IPEndPoint)address).Address}");
        Console.WriteLine($"Server sends '{message}' back");
        _transport!.SendTo(data, address);
    }
}

internal sealed class EchoClientProtocol(Future<bool> onConnectionLost) : DatagramProtocol
{
    public Future<string>? Echoed { get; set; }

    public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint address)
    {
        string message = Encoding.UTF8.GetString(data);
        Console.WriteLine($"Received: '{message}'");
        Echoed!.SetResult(message);
    }

    public override void ErrorReceived(Exception exception) => Console.WriteLine($"Error received: {exception.Message}");

    public override void ConnectionLost(Exception? exception)
    {
        Console.WriteLine("Connection closed");
        onConnectionLost.SetResult(true);
    }
}
