using System.Net;
using System.Net.Security;
using System.Text;
using Asyncio.Tests.IO.Tls;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twin of programs/114: TLS under protocols over loopback, on virtual time (the clock waits
// while a handshake works and jumps only while one waits on a silent peer).
internal static class T114_TlsProtocols
{
    private sealed class Peer : Protocol
    {
        private readonly List<string> _log;
        private readonly bool _echo;
        private readonly bool _keepOpen;
        private Transport? _transport;

        public Peer(EventLoop loop, List<string> log, bool echo = false, bool keepOpen = false)
        {
            _log = log;
            _echo = echo;
            _keepOpen = keepOpen;
            Got = loop.CreateFuture<bool>();
            Lost = loop.CreateFuture<Exception?>();
            log.Add("factory");
        }

        public Future<bool> Got { get; }

        public Future<Exception?> Lost { get; }

        public override void ConnectionMade(Transport transport)
        {
            _transport = transport;
            _log.Add("made ssl=" + (transport.GetExtraInfo("ssl_object") is SslStream ? "True" : "False"));
        }

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            _log.Add("data " + Encoding.ASCII.GetString(data));
            if (_echo)
                _transport!.Write(data);
            if (!Got.Done)
                Got.SetResult(true);
        }

        public override bool EofReceived()
        {
            _log.Add("eof");
            return _keepOpen;
        }

        public override void ConnectionLost(Exception? exception)
        {
            _log.Add("lost " + (exception?.Message ?? "None"));
            Lost.SetResult(exception);
        }
    }

    private sealed class Silent : Protocol;

    private static int PortOf(Server server) => ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;

    [Transcript("114_tls_protocol_order")]
    public static void TlsProtocolOrder(TextWriter o)
    {
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.GetRunningLoop();
            var reports = new List<string>();
            loop.SetExceptionHandler((_, context) => reports.Add(context.Message));

            var slog = new List<string>();
            var clog = new List<string>();
            var peers = new List<Peer>();
            var server = await loop.CreateServerAsync(() =>
            {
                var peer = new Peer(loop, slog, echo: true, keepOpen: true);
                peers.Add(peer);
                return peer;
            }, "127.0.0.1", 0, TestCertificates.Server());
            var (transport, client) = await loop.CreateConnectionAsync(() => new Peer(loop, clog), "127.0.0.1", PortOf(server), TestCertificates.Client());
            clog.Add("returned");
            transport.Write("hello"u8);
            await client.Got;
            var beforeClose = clog.ToList();
            transport.Close();
            var clientLost = await client.Lost;
            await peers[0].Lost;
            server.Close();
            await server.WaitClosedAsync();
            foreach (var line in beforeClose)
                o.Print("client:", line);
            o.Print("client: lost", clientLost?.Message ?? "None");
            foreach (var line in slog)
                o.Print("server:", line);

            var silent = await loop.CreateServerAsync(() => new Silent(), "127.0.0.1", 0);
            clog = [];
            try
            {
                await loop.CreateConnectionAsync(() => new Peer(loop, clog), "127.0.0.1", PortOf(silent), TestCertificates.Client(), TimeSpan.FromSeconds(0.5));
            }
            catch (TimeoutException e)
            {
                o.Print("timeout:", "ConnectionAbortedError", e.Message); // asyncio's type, as the porting guide maps it
            }
            foreach (var line in clog)
                o.Print("timed-out client:", line);
            silent.Close();
            await silent.WaitClosedAsync();

            slog = [];
            server = await loop.CreateServerAsync(() => new Peer(loop, slog), "127.0.0.1", 0, TestCertificates.Server());
            var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", PortOf(server));
            writer.Write("GET / HTTP/1.0\r\n\r\n"u8);
            await reader.ReadAsync();
            writer.Close();
            server.Close();
            await server.WaitClosedAsync();
            foreach (var line in slog)
                o.Print("server of a plain client:", line);

            var events = new List<string>();
            server = await loop.CreateServerAsync(() => new Peer(loop, []), "127.0.0.1", 0, TestCertificates.Server(), TimeSpan.FromSeconds(0.5));
            (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", PortOf(server));
            await loop.Sleep(0.1);
            server.Close();
            loop.CallLater(0.25, () => events.Add("0.25 s after close"));
            await server.WaitClosedAsync();
            events.Add("wait_closed returned");
            foreach (var e in events)
                o.Print("close during a handshake:", e);
            o.Print("silent client saw eof:", (await reader.ReadAsync()).Length == 0 ? "True" : "False");
            writer.Close();
            o.Print("reports:", reports.Count);
        }, new EventLoopOptions { VirtualTime = true });
    }
}
