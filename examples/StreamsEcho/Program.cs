// The TCP echo client and server of the asyncio documentation ("Streams" page), ported line by
// line from echo.py beside this file, which prints the same transcript (echo.expected).
// Python's f'{s!r}' is written out as '...' here.
using System.Net;
using System.Text;
using Asyncio;

EventLoop.Run(async () =>
{
    var loop = EventLoop.GetRunningLoop();

    async Task HandleEcho(LoopStreamReader reader, LoopStreamWriter writer)
    {
        var data = await reader.ReadAsync(100);
        var message = Encoding.UTF8.GetString(data);
        var addr = (IPEndPoint)writer.GetExtraInfo("peername")!;

        Console.WriteLine($"Received '{message}' from '{addr.Address}'");

        Console.WriteLine($"Send: '{message}'");
        writer.Write(data);
        await writer.DrainAsync();

        Console.WriteLine("Close the connection");
        writer.Close();
        await writer.WaitClosedAsync();
    }

    async Task TcpEchoClient(string message, int port)
    {
        var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", port);

        Console.WriteLine($"Send: '{message}'");
        writer.Write(Encoding.UTF8.GetBytes(message));
        await writer.DrainAsync();

        var data = await reader.ReadAsync(100);
        Console.WriteLine($"Received: '{Encoding.UTF8.GetString(data)}'");

        Console.WriteLine("Close the connection");
        writer.Close();
        await writer.WaitClosedAsync();
    }

    var server = await loop.StartServerAsync(HandleEcho, "127.0.0.1", 0);

    var addrs = string.Join(", ", server.Sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Address));
    Console.WriteLine($"Serving on {addrs}");

    await using (server)
    {
        await TcpEchoClient("Hello World!", ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port);
    }
    Console.WriteLine($"Server closed: serving={(server.IsServing ? "True" : "False")}");
});
