// TCP echo server on this library's protocols (CreateServerAsync, DataReceived -> Write), as
// server_asyncio.py --protocol does with asyncio's and uvloop's create_server.
// usage: ProtocolEchoServer PORT
using System.Globalization;
using Asyncio;

int port = int.Parse(args[0], CultureInfo.InvariantCulture);
EventLoop.Run(async () =>
{
    var loop = EventLoop.GetRunningLoop();
    var server = await loop.CreateServerAsync(() => new Echo(), "127.0.0.1", port);
    Console.WriteLine("serving");
    await server.ServeForeverAsync(); // the benchmark kills the process
});

internal sealed class Echo : Protocol
{
    private Transport? _transport;

    public override void ConnectionMade(Transport transport) => _transport = transport;

    public override void DataReceived(ReadOnlySpan<byte> data) => _transport!.Write(data);
}
