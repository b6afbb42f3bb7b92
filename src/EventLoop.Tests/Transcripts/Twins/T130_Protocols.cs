using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/130 on: transports and protocols over loopback sockets, on real time.
internal static class T130_Protocols
{
    private sealed class Server(List<string> log) : Protocol
    {
        private Transport? _transport;

        public override void ConnectionMade(Transport transport)
        {
            _transport = transport;
            log.Add("made");
        }

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            log.Add("data " + Encoding.ASCII.GetString(data));
            _transport!.Write(data);
        }

        public override bool EofReceived()
        {
            log.Add("eof");
            return false;
        }

        public override void ConnectionLost(Exception? exception) => log.Add("lost " + (exception?.Message ?? "None"));
    }

    private sealed class Client(List<string> log, Future<bool> done) : Protocol
    {
        public override void ConnectionMade(Transport transport) => log.Add("made");

        public override void DataReceived(ReadOnlySpan<byte> data) => log.Add("data " + Encoding.ASCII.GetString(data));

        public override bool EofReceived()
        {
            log.Add("eof");
            return false;
        }

        public override void ConnectionLost(Exception? exception)
        {
            log.Add("lost " + (exception?.Message ?? "None"));
            done.SetResult(true);
        }
    }

    private sealed class Flow(List<(string, bool)> events, Future<bool> resumed) : Protocol
    {
        private Transport? _transport;

        public override void ConnectionMade(Transport transport) => _transport = transport;

        public override void PauseWriting() => events.Add(("pause", _transport!.WriteBufferSize > 65536));

        public override void ResumeWriting()
        {
            events.Add(("resume", _transport!.WriteBufferSize <= 16384));
            resumed.SetResult(true);
        }
    }

    private sealed class Sink(Future<Transport> made) : Protocol
    {
        public override void ConnectionMade(Transport transport)
        {
            transport.PauseReading();
            made.SetResult(transport);
        }
    }

    private static int PortOf(Asyncio.Server server) => ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;

    [Transcript("130_protocol_callback_order")]
    public static void ProtocolCallbackOrder(TextWriter o)
    {
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.GetRunningLoop();
            var slog = new List<string>();
            var clog = new List<string>();
            var server = await loop.CreateServerAsync(() => new Server(slog), "127.0.0.1", 0);
            int port = PortOf(server);
            var done = loop.CreateFuture<bool>();
            var (transport, _) = await loop.CreateConnectionAsync(() => new Client(clog, done), "127.0.0.1", port);
            clog.Add("returned");
            transport.Write("hello"u8);
            transport.WriteEof();
            await done;
            server.Close();
            await server.WaitClosedAsync();
            foreach (var line in clog)
                o.Print("client:", line);
            foreach (var line in slog)
                o.Print("server:", line);

            try
            {
                await loop.CreateConnectionAsync(() => new Server([]), "127.0.0.1", port);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                o.Print("refused:", "ConnectionRefusedError");
            }

            var events = new List<(string, bool)>();
            var resumed = loop.CreateFuture<bool>();
            var sinkMade = loop.CreateFuture<Transport>();
            server = await loop.CreateServerAsync(() => new Sink(sinkMade), "127.0.0.1", 0);
            port = PortOf(server);
            (transport, _) = await loop.CreateConnectionAsync(() => new Flow(events, resumed), "127.0.0.1", port);
            var (low, high) = transport.GetWriteBufferLimits();
            o.Print("limits:", $"({low}, {high})");
            var sink = await sinkMade;
            transport.Write(new byte[32 << 20]);
            events.Add(("written", true));
            sink.ResumeReading();
            await resumed;
            foreach (var (name, ok) in events)
                o.Print("flow:", name, ok ? "True" : "False");
            transport.Close();
            sink.Close();
            server.Close();
            await server.WaitClosedAsync();
        }, new EventLoopOptions { VirtualTime = false });
    }
}
