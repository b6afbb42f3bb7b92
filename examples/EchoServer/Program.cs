// An echo server and its clients in one program, on 127.0.0.1 and a free port.
// The server echoes each line back; three clients run at the same time, each sending its lines
// and checking every echo. What is printed does not depend on how the connections interleave:
// each client's result is printed after all are done, in client order.
//
// With "--serve PORT" it only serves, forever, on that port (the C# server of benchmarks/echo):
// then it echoes raw bytes as they come, as the asyncio, uvloop and Node servers there do.
using System.Net;
using System.Text;
using Asyncio;

if (args.Length == 2 && args[0] == "--serve")
{
    EventLoop.Run(async () =>
    {
        var loop = EventLoop.GetRunningLoop();
        var server = await loop.StartServerAsync(async (reader, writer) =>
        {
            while (true)
            {
                var data = await reader.ReadAsync(64 * 1024);
                if (data.Length == 0)
                    break;
                writer.Write(data);
                await writer.DrainAsync();
            }
            writer.Close();
        }, "127.0.0.1", int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
        Console.WriteLine("serving");
        await server.ServeForeverAsync();
    });
    return;
}

EventLoop.Run(async () =>
{
    var loop = EventLoop.GetRunningLoop();
    int connections = 0;
    long bytesEchoed = 0;

    async Task Echo(LoopStreamReader reader, LoopStreamWriter writer)
    {
        connections++;
        while (true)
        {
            var line = await reader.ReadLineAsync();
            if (line.Length == 0)
                break; // EOF: the client wrote all its lines
            bytesEchoed += line.Length;
            writer.Write(line);
            await writer.DrainAsync();
        }
        writer.Close();
        await writer.WaitClosedAsync();
    }

    async Task<string> Client(string name, int port, int lines)
    {
        var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", port);
        int matched = 0;
        for (int i = 1; i <= lines; i++)
        {
            var sent = $"{name} line {i}\n";
            writer.Write(Encoding.UTF8.GetBytes(sent));
            await writer.DrainAsync();
            var echoed = Encoding.UTF8.GetString(await reader.ReadLineAsync());
            if (echoed == sent)
                matched++;
        }
        writer.WriteEof();
        var rest = await reader.ReadAsync(); // the server closes once it saw our EOF
        writer.Close();
        await writer.WaitClosedAsync();
        return $"{name}: {matched}/{lines} lines echoed, then EOF ({rest.Length} bytes after)";
    }

    var server = await loop.StartServerAsync(Echo, "127.0.0.1", 0);
    int port = ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;
    Console.WriteLine($"serving on 127.0.0.1, serving={server.IsServing}");

    var results = await loop.Gather(
        () => Client("alice", port, 3),
        () => Client("bob", port, 5),
        () => Client("carol", port, 2));
    foreach (var result in results)
        Console.WriteLine(result);

    server.Close();
    await server.WaitClosedAsync();
    Console.WriteLine($"server closed: {connections} connections, {bytesEchoed} bytes echoed, serving={server.IsServing}");
});
