using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/122 on: reuse_port and reuse_address on TCP servers, over loopback (Linux).
internal static class T122_ServerReuse
{
    private sealed class Plain : Protocol; // asyncio.Protocol as is

    private static int Option(Socket socket, int name)
    {
        var value = new byte[4];
        socket.GetRawSocketOption(1, name, value); // SOL_SOCKET; SO_REUSEADDR 2, SO_REUSEPORT 15
        return BitConverter.ToInt32(value);
    }

    private static (int, int) Options(Server server) => (Option(server.Sockets[0], 2), Option(server.Sockets[0], 15));

    private static int PortOf(Server server) => ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;

    [Transcript("122_server_reuse_port")]
    public static void ServerReusePort(TextWriter o)
    {
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.GetRunningLoop();

            static Task Idle(LoopStreamReader reader, LoopStreamWriter writer)
            {
                writer.Close();
                return Task.CompletedTask;
            }

            foreach (var (label, reuseAddress, reusePort) in new (string, bool?, bool)[]
                     {
                         ("default", null, false), ("reuse_port", null, true),
                         ("no reuse_address", false, false), ("reuse_port, no reuse_address", false, true),
                     })
            {
                var server = await loop.StartServerAsync(Idle, "127.0.0.1", 0, reuseAddress: reuseAddress, reusePort: reusePort);
                o.Print(label + ":", Options(server));
                server.Close();
                await server.WaitClosedAsync();
            }

            var served = new List<string>();
            var accepted = new AsyncEvent();

            Func<LoopStreamReader, LoopStreamWriter, Task> Handler(string name) => async (reader, writer) =>
            {
                served.Add(name);
                writer.Write(Encoding.ASCII.GetBytes(name + "\n"));
                await writer.DrainAsync();
                writer.Close();
                accepted.Set();
            };

            var first = await loop.StartServerAsync(Handler("first"), "127.0.0.1", 0, reusePort: true);
            int port = PortOf(first);
            var second = await loop.StartServerAsync(Handler("second"), "127.0.0.1", port, reusePort: true);
            o.Print("same port:", PortOf(second) == port);
            var servers = new Dictionary<string, Server> { ["first"] = first, ["second"] = second };

            async Task<string> Connect()
            {
                accepted.Clear();
                var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", port);
                var line = await reader.ReadLineAsync();
                writer.Close();
                await writer.WaitClosedAsync();
                await accepted.WaitAsync();
                return Encoding.ASCII.GetString(line).Trim();
            }

            var one = await Connect();
            o.Print("first connection echoed by the server that accepted it:", one == served[^1]);
            servers[one].Close();
            await servers[one].WaitClosedAsync();
            var other = await Connect();
            o.Print("the other server takes the next one:", other != one && other == served[^1]);
            servers[other].Close();
            await servers[other].WaitClosedAsync();

            // Without reuse_port on both sides, the second bind fails as asyncio reports it.
            foreach (var (a, b) in new[] { (false, false), (true, false), (false, true) })
            {
                var server = await loop.CreateServerAsync(() => new Plain(), "127.0.0.1", 0, reusePort: a);
                port = PortOf(server);
                try
                {
                    await loop.CreateServerAsync(() => new Plain(), "127.0.0.1", port, reusePort: b);
                }
                catch (SocketException e)
                {
                    o.Print("reuse_port", a, b, "OSError", e.SocketErrorCode == SocketError.AddressAlreadyInUse,
                        $"[Errno {e.NativeErrorCode}] {e.Message}".Replace(port.ToString(System.Globalization.CultureInfo.InvariantCulture), "PORT"));
                }
                server.Close();
                await server.WaitClosedAsync();
            }
        }, new EventLoopOptions { VirtualTime = false });
    }
}
