// The TCP echo server and client of the asyncio documentation written with protocols
// ("Transports and Protocols" page), in one program on 127.0.0.1 and a free port. Three clients
// connect one after another. Client and server run their callbacks in an order the sockets
// decide, so each side keeps its own transcript and both are printed at the end: the client's
// in client order, the server's per connection.
using System.Net;
using System.Text;
using Asyncio;

EventLoop.Run(async () =>
{
    var loop = EventLoop.GetRunningLoop();
    var serverLogs = new List<List<string>>();

    var server = await loop.CreateServerAsync(() =>
    {
        var log = new List<string>();
        serverLogs.Add(log);
        return new EchoServerProtocol(log);
    }, "127.0.0.1", 0);
    int port = ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;
    Console.WriteLine($"serving on 127.0.0.1, serving={server.IsServing}");

    foreach (var message in new[] { "Hello World!", "second client", "third" })
    {
        var onConnectionLost = loop.CreateFuture<bool>();
        var log = new List<string>();
        await loop.CreateConnectionAsync(() => new EchoClientProtocol(message, onConnectionLost, log), "127.0.0.1", port);
        // Wait until the protocol signals that the connection is lost, as the documentation does.
        await onConnectionLost;
        Console.WriteLine("client: " + string.Join(" / ", log));
    }

    server.Close();
    await server.WaitClosedAsync();
    for (int i = 0; i < serverLogs.Count; i++)
        Console.WriteLine($"server, connection {i + 1}: " + string.Join(" / ", serverLogs[i]));
    Console.WriteLine($"server closed, serving={server.IsServing}");
});

internal sealed class EchoServerProtocol(List<string> log) : Protocol
{
    private Transport? _transport;

    public override void ConnectionMade(Transport transport)
    {
        var peer = (IPEndPoint)transport.GetExtraInfo("peername")!;
        log.Add($"Connection from {peer.Address}");
        _transport = transport;
    }

    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        string message = Encoding.UTF8.GetString(data);
        log.Add($"Data received: '{message}'");
        log.Add($"Send: '{message}'");
        _transport!.Write(data);
        log.Add("Close the client socket");
        _transport.Close();
    }

    public override void ConnectionLost(Exception? exception) => log.Add("Connection lost");
}

internal sealed class EchoClientProtocol(string message, Future<bool> onConnectionLost, List<string> log) : Protocol
{
    public override void ConnectionMade(Transport transport)
    {
        transport.Write(Encoding.UTF8.GetBytes(message));
        log.Add($"Data sent: '{message}'");
    }

    public override void DataReceived(ReadOnlySpan<byte> data) => log.Add($"Data received: '{Encoding.UTF8.GetString(data)}'");

    public override void ConnectionLost(Exception? exception)
    {
        log.Add("The server closed the connection");
        onConnectionLost.SetResult(true);
    }
}
