using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using Asyncio.Tests.Reliability.Boundary;
using static Asyncio.Tests.IO.Faults.FaultCollection;

namespace Asyncio.Tests.IO.Tls;

/// <summary>
/// TLS under the protocols (CreateConnectionAsync, CreateServerAsync and the Unix twins) and the
/// Unix streams, over loopback on virtual time: the clock waits while a handshake works and
/// jumps only while one waits on a silent peer. Every test checks that the loop counts no
/// transport and the process has no more sockets open than before (so they run in the fault
/// collection, alone).
/// </summary>
/// <remarks>asyncio 3.12: base_events.py <c>_create_connection_transport</c>, selector_events.py
/// <c>_accept_connection2</c>, sslproto.py <c>_on_handshake_complete</c> and <c>_check_handshake_timeout</c>.</remarks>
[Collection(Faults.FaultCollection.Name)]
public class TlsProtocolTests : LoopTest
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static string UnixPath() => Path.Combine(Path.GetTempPath(), "evl-tls-" + Guid.NewGuid().ToString("N")[..8] + ".sock");

    /// <summary>Logs its callbacks; echoes what it receives when <see cref="Echo"/>; completes <see cref="Until"/> once <see cref="UntilText"/> arrived.</summary>
    private sealed class Peer(EventLoop loop, List<string> log) : Protocol
    {
        public bool Echo;
        public bool KeepOpen;
        public Transport? Transport;
        public readonly StringBuilder Received = new();
        public readonly Future<Exception?> Lost = loop.CreateFuture<Exception?>();
        public readonly Future<bool> Until = loop.CreateFuture<bool>();
        public string? UntilText;
        public bool CountOnly;
        public long Count;
        public long UntilCount = -1;
        public readonly Future<bool> Paused = loop.CreateFuture<bool>();
        public readonly Future<bool> Resumed = loop.CreateFuture<bool>();

        public override void PauseWriting()
        {
            log.Add("pause_writing");
            Paused.SetResult(true);
        }

        public override void ResumeWriting()
        {
            log.Add("resume_writing");
            Resumed.SetResult(true);
        }

        public override void ConnectionMade(Transport transport)
        {
            Transport = transport;
            log.Add($"made tls={transport.GetExtraInfo("ssl_object") is SslStream { IsAuthenticated: true }}");
        }

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            Count += data.Length;
            if (CountOnly)
            {
                if (Count == UntilCount)
                    Until.SetResult(true);
                return;
            }
            Received.Append(Encoding.ASCII.GetString(data));
            if (Echo)
                Transport!.Write(data);
            if (UntilText is not null && Received.ToString().Contains(UntilText, StringComparison.Ordinal) && !Until.Done)
                Until.SetResult(true);
        }

        public override bool EofReceived()
        {
            log.Add("eof");
            return KeepOpen;
        }

        public override void ConnectionLost(Exception? exception)
        {
            log.Add("lost " + (exception?.GetType().Name ?? "null"));
            Lost.SetResult(exception);
        }
    }

    /// <summary>The same, lending its own buffer.</summary>
    private sealed class BufferedPeer(EventLoop loop, List<string> log) : BufferedProtocol
    {
        private readonly byte[] _buffer = new byte[7]; // smaller than a message: several receives
        public readonly StringBuilder Received = new();
        public readonly Future<Exception?> Lost = loop.CreateFuture<Exception?>();
        public readonly Future<bool> Until = loop.CreateFuture<bool>();
        public string? UntilText;

        public override void ConnectionMade(Transport transport) =>
            log.Add($"made tls={transport.GetExtraInfo("ssl_object") is SslStream { IsAuthenticated: true }}");

        public override Memory<byte> GetBuffer(int sizeHint) => _buffer;

        public override void BufferUpdated(int count)
        {
            Received.Append(Encoding.ASCII.GetString(_buffer, 0, count));
            if (UntilText is not null && Received.ToString().Contains(UntilText, StringComparison.Ordinal) && !Until.Done)
                Until.SetResult(true);
        }

        public override void ConnectionLost(Exception? exception)
        {
            log.Add("lost " + (exception?.GetType().Name ?? "null"));
            Lost.SetResult(exception);
        }
    }

    [Fact]
    public void CreateConnection_TlsEchoServer_ConnectionMadeAfterTheHandshakeAndTheClockNeverJumps()
    {
        int socketsBefore = OpenSockets();
        var loop = NewLoop();
        var clientLog = new List<string>();
        var serverLog = new List<string>();
        var clientOptions = TestCertificates.Client();
        var (echoed, extra, eofError, time) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            Peer? serverPeer = null;
            var server = await l.CreateServerAsync(() => serverPeer = new Peer(l, serverLog) { Echo = true, KeepOpen = true }, "127.0.0.1", 0, TestCertificates.Server()); // no effect under TLS: EOF closes
            var (transport, client) = await l.CreateConnectionAsync(() => new Peer(l, clientLog) { UntilText = "two\n" }, "127.0.0.1", PortOf(server), clientOptions);
            clientLog.Add("returned");
            var tls = (SslStream)transport.GetExtraInfo("ssl_object")!;
            var extra = new List<string>
            {
                $"peercert={((System.Security.Cryptography.X509Certificates.X509Certificate)transport.GetExtraInfo("peercert")!).GetCertHashString() == TestCertificates.Localhost.GetCertHashString()}",
                $"cipher={transport.GetExtraInfo("cipher") is TlsCipherSuite}",
                $"sslcontext={ReferenceEquals(transport.GetExtraInfo("sslcontext"), clientOptions)}",
                $"peername={((IPEndPoint)transport.GetExtraInfo("peername")!).Port == PortOf(server)}",
                $"canWriteEof={transport.CanWriteEof}",
                $"authenticated={tls.IsAuthenticated}",
            };
            var eofError = Assert.Throws<NotSupportedException>(transport.WriteEof).Message;
            transport.Write(B("one\n"));
            transport.Write(B("two\n"));
            await client.Until;
            transport.Close();
            transport.Write(B("dropped\n")); // asyncio: writes after close() are dropped under TLS
            await client.Lost;
            await serverPeer!.Lost;
            server.Close();
            await server.WaitClosedAsync();
            return (client.Received.ToString(), extra, eofError, l.Time());
        }));
        Assert.Equal("one\ntwo\n", echoed);
        Assert.Equal(["peercert=True", "cipher=True", "sslcontext=True", "peername=True", "canWriteEof=False", "authenticated=True"], extra);
        Assert.Equal("SSL doesn't support half-closes", eofError);
        Assert.Equal(["made tls=True", "returned", "lost null"], clientLog);
        Assert.Equal(["made tls=True", "eof", "lost null"], serverLog);
        Assert.Equal(0.0, time);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void Write_PeerPausedReading_PausesTheProtocolThenResumesItAndEveryByteArrives()
    {
        const int total = 32 * 1024 * 1024; // more than the loopback socket buffers hold
        int socketsBefore = OpenSockets();
        var loop = NewLoop();
        var clientLog = new List<string>();
        var (buffered, high, received) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            Peer? serverPeer = null;
            var server = await l.CreateServerAsync(() => serverPeer = new Peer(l, []) { CountOnly = true, UntilCount = total }, "127.0.0.1", 0, TestCertificates.Server());
            var (transport, client) = await l.CreateConnectionAsync(() => new Peer(l, clientLog), "127.0.0.1", PortOf(server), TestCertificates.Client());
            while (serverPeer?.Transport is null)
                await l.Sleep(0); // the server's connection_made runs in a later iteration
            serverPeer.Transport.PauseReading();
            transport.Write(new byte[total]);
            await client.Paused; // inside the Write: the send cannot finish while the peer does not read
            int buffered = transport.WriteBufferSize;
            int high = transport.GetWriteBufferLimits().High;
            serverPeer.Transport.ResumeReading();
            await client.Resumed; // once the last bytes are in the socket, before the peer read them all
            await serverPeer.Until;
            transport.Close();
            await client.Lost;
            await serverPeer.Lost;
            server.Close();
            await server.WaitClosedAsync();
            return (buffered, high, serverPeer.Count);
        }));
        Assert.True(buffered > high, $"buffered {buffered}, high-water mark {high}");
        Assert.Equal(total, received);
        Assert.Equal(["made tls=True", "pause_writing", "resume_writing", "lost null"], clientLog);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void ConnectionLost_PeerResetsTheConnection_GetsTheSocketErrorAsFromAPlainTransport()
    {
        int socketsBefore = OpenSockets();
        var loop = NewLoop();
        var clientLog = new List<string>();
        var lost = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            Peer? serverPeer = null;
            var server = await l.CreateServerAsync(() => serverPeer = new Peer(l, []), "127.0.0.1", 0, TestCertificates.Server());
            var (_, client) = await l.CreateConnectionAsync(() => new Peer(l, clientLog), "127.0.0.1", PortOf(server), TestCertificates.Client());
            while (serverPeer?.Transport is null)
                await l.Sleep(0);
            ResetOnClose((System.Net.Sockets.Socket)serverPeer.Transport.GetExtraInfo("socket")!);
            serverPeer.Transport.Abort();
            var lost = await client.Lost;
            await serverPeer.Lost;
            server.Close();
            await server.WaitClosedAsync();
            return lost;
        }));
        var error = Assert.IsType<System.Net.Sockets.SocketException>(lost);
        Assert.Equal(System.Net.Sockets.SocketError.ConnectionReset, error.SocketErrorCode);
        Assert.Equal(["made tls=True", "lost SocketException"], clientLog);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void CreateUnixConnection_TlsEchoServer_RoundTripsToABufferedProtocol()
    {
        int socketsBefore = OpenSockets();
        var loop = NewLoop();
        var clientLog = new List<string>();
        var serverLog = new List<string>();
        string path = UnixPath();
        var (echoed, fileAfterClose, time) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            Peer? serverPeer = null;
            var server = await l.CreateUnixServerAsync(() => serverPeer = new Peer(l, serverLog) { Echo = true }, path, TestCertificates.Server());
            var (transport, client) = await l.CreateUnixConnectionAsync(() => new BufferedPeer(l, clientLog) { UntilText = "over a unix socket\n" }, path, TestCertificates.Client());
            transport.Write(B("hello over a unix socket\n"));
            await client.Until;
            transport.Close();
            await client.Lost;
            await serverPeer!.Lost;
            server.Close();
            await server.WaitClosedAsync();
            return (client.Received.ToString(), File.Exists(path), l.Time());
        }));
        Assert.Equal("hello over a unix socket\n", echoed);
        Assert.Equal(["made tls=True", "lost null"], clientLog);
        Assert.Equal(["made tls=True", "eof", "lost null"], serverLog);
        Assert.False(fileAfterClose);
        Assert.Equal(0.0, time);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void OpenUnixConnection_TlsStreamsServer_RoundTripsOverTls()
    {
        int socketsBefore = OpenSockets();
        var loop = NewLoop();
        string path = UnixPath();
        var (line, tls, time) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var server = await l.StartUnixServerAsync(async (r, w) =>
            {
                w.Write(await r.ReadLineAsync());
                w.Close();
                await w.WaitClosedAsync();
            }, path, TestCertificates.Server());
            var (reader, writer) = await l.OpenUnixConnectionAsync(path, TestCertificates.Client());
            bool tls = writer.GetExtraInfo("ssl_object") is SslStream { IsAuthenticated: true } && writer.GetExtraInfo("sslcontext") is SslClientAuthenticationOptions;
            writer.Write(B("ping\n"));
            var line = Encoding.ASCII.GetString(await reader.ReadLineAsync());
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return (line, tls, l.Time());
        }));
        Assert.Equal("ping\n", line);
        Assert.True(tls);
        Assert.Equal(0.0, time);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void CreateConnection_ClientRejectsTheCertificate_ThrowsAndNeitherProtocolHearsAnything()
    {
        int socketsBefore = OpenSockets();
        var loop = NewLoop();
        var clientLog = new List<string>();
        var serverLogs = new List<List<string>>(); // one per server connection: theirs interleave
        var (error, factories, echoed) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            int factories = 0;
            var server = await l.CreateServerAsync(() =>
            {
                factories++;
                var log = new List<string>();
                serverLogs.Add(log);
                return new Peer(l, log) { Echo = true };
            }, "127.0.0.1", 0, TestCertificates.Server());
            var error = await Raises<AuthenticationException>(() => l.CreateConnectionAsync(() => { factories++; return new Peer(l, clientLog); }, "127.0.0.1", PortOf(server), TestCertificates.Client(trust: false)));
            // The server dropped that connection and serves the next one.
            var (transport, client) = await l.CreateConnectionAsync(() => new Peer(l, []) { UntilText = "after" }, "127.0.0.1", PortOf(server), TestCertificates.Client());
            transport.Write(B("after"));
            await client.Until;
            transport.Close();
            await client.Lost;
            server.Close();
            await server.WaitClosedAsync();
            return (error, factories, client.Received.ToString());
        }));
        Assert.Contains("RemoteCertificateValidationCallback", error.Message);
        // asyncio makes both protocols before the handshake; the rejected client's hears nothing.
        Assert.Equal(3, factories);
        Assert.Empty(clientLog);
        // The server's side of the rejected handshake may have completed (under TLS 1.3 .NET's
        // client checks the certificate after sending its Finished): then that connection was
        // made and lost too, at a time of its own. The failing server side is
        // CreateServer_PeerSendsNoClientHello_*. The next connection is served in full.
        Assert.Equal(2, serverLogs.Count);
        Assert.Equal(["made tls=True", "eof", "lost null"], serverLogs[1]);
        Assert.Equal("after", echoed);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CreateServer_PeerSendsNoClientHello_HandshakeFailsReportedInDebugModeOnlyAndTheProtocolHearsNothing(bool debug)
    {
        int socketsBefore = OpenSockets();
        var loop = NewLoop();
        loop.Debug = debug;
        loop.SlowCallbackDuration = 3600; // a handshake's first callback may be slow on a busy machine
        var serverLog = new List<string>();
        var clientLog = new List<string>();
        int factories = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            int factories = 0;
            var server = await l.CreateServerAsync(() => { factories++; return new Peer(l, serverLog); }, "127.0.0.1", 0, TestCertificates.Server());
            var (transport, client) = await l.CreateConnectionAsync(() => new Peer(l, clientLog), "127.0.0.1", PortOf(server)); // plain
            transport.Write(B("GET / HTTP/1.0\r\n\r\n"));
            await client.Lost; // the server dropped it
            server.Close();
            await server.WaitClosedAsync();
            return factories;
        }));
        var reports = TakeReports();
        if (debug)
        {
            var report = Assert.Single(reports);
            Assert.Equal("Error on transport creation for incoming connection", report.Message);
            Assert.True(report.Exception is AuthenticationException or IOException, report.Exception?.ToString());
        }
        else
        {
            Assert.Empty(reports);
        }
        Assert.Equal(1, factories);
        Assert.Empty(serverLog);
        Assert.Equal("made tls=False", clientLog[0]);
        Assert.Equal("lost null", clientLog[^1]);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void CreateConnection_PeerNeverAnswersTheHandshake_TimesOutWithAsyncioMessage()
    {
        int socketsBefore = OpenSockets();
        var loop = NewLoop();
        var clientLog = new List<string>();
        var serverLog = new List<string>();
        var (error, time) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            Peer? serverPeer = null;
            // A plain server: it reads the ClientHello and never answers.
            var server = await l.CreateServerAsync(() => serverPeer = new Peer(l, serverLog), "127.0.0.1", 0);
            var error = await Raises<TimeoutException>(() => l.CreateConnectionAsync(() => new Peer(l, clientLog), "127.0.0.1", PortOf(server), TestCertificates.Client(), TimeSpan.FromSeconds(1.5)));
            var time = l.Time();
            await serverPeer!.Lost; // the client's socket was closed
            server.Close();
            await server.WaitClosedAsync();
            return (error, time);
        }));
        Assert.Equal("SSL handshake is taking longer than 1.5 seconds: aborting the connection", error.Message);
        Assert.Equal(1.5, time);
        Assert.Empty(clientLog);
        Assert.Equal(["made tls=False", "eof", "lost null"], serverLog);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void CreateServer_ClientNeverStartsTheHandshake_DroppedAtTheTimeoutWithoutReport()
    {
        int socketsBefore = OpenSockets();
        var loop = NewLoop();
        var clientLog = new List<string>();
        var serverLog = new List<string>();
        var time = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var server = await l.CreateServerAsync(() => new Peer(l, serverLog), "127.0.0.1", 0, TestCertificates.Server(), sslHandshakeTimeout: TimeSpan.FromSeconds(2.5));
            var (_, client) = await l.CreateConnectionAsync(() => new Peer(l, clientLog), "127.0.0.1", PortOf(server)); // plain, silent
            await client.Lost;
            var time = l.Time();
            server.Close();
            await server.WaitClosedAsync();
            return time;
        }));
        Assert.Equal(2.5, time);
        Assert.Equal(["made tls=False", "eof", "lost null"], clientLog);
        Assert.Empty(serverLog);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void WaitClosed_ServerClosedDuringAHandshake_WaitsUntilTheHandshakeTimesOut()
    {
        int socketsBefore = OpenSockets();
        var loop = NewLoop();
        var (active, closedAt, doneBefore) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var server = await l.CreateServerAsync(() => new Peer(l, []), "127.0.0.1", 0, TestCertificates.Server(), sslHandshakeTimeout: TimeSpan.FromSeconds(10));
            var (transport, client) = await l.CreateConnectionAsync(() => new Peer(l, []), "127.0.0.1", PortOf(server)); // plain, silent
            while (server.ActiveCount == 0)
                await l.Sleep(0); // the accept completes in a later iteration
            int active = server.ActiveCount;
            server.Close();
            var closing = l.CreateTask(() => server.WaitClosedAsync());
            await l.Sleep(0);
            bool doneBefore = closing.Done;
            await closing;
            var closedAt = l.Time();
            await client.Lost;
            return (active, closedAt, doneBefore);
        }));
        Assert.Equal(1, active);
        Assert.False(doneBefore);
        Assert.Equal(10.0, closedAt);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void WaitClosed_HandshakeFinishesAfterTheServerClosed_TheConnectionIsServedAndWaitedFor()
    {
        int socketsBefore = OpenSockets();
        var loop = NewLoop();
        var serverLog = new List<string>();
        var log = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var log = new List<string>();
            var server = await l.CreateServerAsync(() => new Peer(l, serverLog) { Echo = true }, "127.0.0.1", 0, TestCertificates.Server());
            var (reader, writer) = await l.OpenConnectionAsync("127.0.0.1", PortOf(server)); // plain until StartTlsAsync
            while (server.ActiveCount == 0)
                await l.Sleep(0);
            server.Close(); // asyncio 3.12: the handshake goes on
            var closing = l.CreateTask(() => server.WaitClosedAsync());
            await writer.StartTlsAsync(TestCertificates.Client());
            writer.Write(B("late\n"));
            log.Add("echo " + Encoding.ASCII.GetString(await reader.ReadLineAsync()).TrimEnd());
            log.Add($"wait_closed done={closing.Done}");
            writer.Close();
            await writer.WaitClosedAsync();
            await closing;
            log.Add("wait_closed returned");
            return log;
        }));
        Assert.Equal(["echo late", "wait_closed done=False", "wait_closed returned"], log);
        Assert.Equal(["made tls=True", "eof", "lost null"], serverLog);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void AbortClients_DuringAHandshake_EndsItAndWaitClosedReturnsAtOnce()
    {
        int socketsBefore = OpenSockets();
        var loop = NewLoop();
        var clientLog = new List<string>();
        var time = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var server = await l.StartServerAsync((r, w) => Task.CompletedTask, "127.0.0.1", 0, TestCertificates.Server());
            var (_, client) = await l.CreateConnectionAsync(() => new Peer(l, clientLog), "127.0.0.1", PortOf(server)); // plain, silent
            while (server.ActiveCount == 0)
                await l.Sleep(0);
            server.Close();
            server.AbortClients();
            await server.WaitClosedAsync();
            await client.Lost;
            return l.Time();
        }));
        Assert.Equal(0.0, time);
        Assert.Equal("made tls=False", clientLog[0]);
        Assert.Equal("lost null", clientLog[^1]);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void TlsOverloads_BadArgumentsClosedLoopOrOtherThread_ThrowAtTheCallBeforeAnySocket()
    {
        int socketsBefore = OpenSockets();
        var loop = NewLoop();
        string path = UnixPath();
        var client = TestCertificates.Client();
        var server = TestCertificates.Server();
        Func<Peer> factory = () => new Peer(loop, []);
        Func<LoopStreamReader, LoopStreamWriter, Task> handler = (r, w) => Task.CompletedTask;

        Assert.Throws<ArgumentNullException>(() => { _ = loop.CreateConnectionAsync(factory, "127.0.0.1", 1, (SslClientAuthenticationOptions)null!); });
        Assert.Throws<ArgumentNullException>(() => { _ = loop.CreateServerAsync(factory, "127.0.0.1", 0, (SslServerAuthenticationOptions)null!); });
        Assert.Throws<ArgumentNullException>(() => { _ = loop.CreateUnixConnectionAsync(factory, path, (SslClientAuthenticationOptions)null!); });
        Assert.Throws<ArgumentNullException>(() => { _ = loop.CreateUnixServerAsync(factory, path, (SslServerAuthenticationOptions)null!); });
        Assert.Throws<ArgumentNullException>(() => { _ = loop.OpenUnixConnectionAsync(path, (SslClientAuthenticationOptions)null!); });
        Assert.Throws<ArgumentNullException>(() => { _ = loop.StartUnixServerAsync(handler, path, (SslServerAuthenticationOptions)null!); });

        var messages = new List<string>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.CreateConnectionAsync(factory, "127.0.0.1", 1, client, TimeSpan.Zero); }).Message,
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.CreateServerAsync(factory, "127.0.0.1", 0, server, TimeSpan.FromSeconds(-1.5)); }).Message,
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.CreateUnixConnectionAsync(factory, path, client, TimeSpan.FromSeconds(-2)); }).Message,
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.CreateUnixServerAsync(factory, path, server, TimeSpan.FromMilliseconds(-250)); }).Message,
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.OpenUnixConnectionAsync(path, client, TimeSpan.Zero); }).Message,
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.StartUnixServerAsync(handler, path, server, TimeSpan.FromSeconds(-3)); }).Message,
            // asyncio's create_unix_connection: a path has no host name to default to.
            Assert.Throws<ArgumentException>(() => { _ = loop.CreateUnixConnectionAsync(factory, path, new SslClientAuthenticationOptions()); }).Message,
            Assert.Throws<ArgumentException>(() => { _ = loop.OpenUnixConnectionAsync(path, new SslClientAuthenticationOptions()); }).Message,
        };
        Assert.Equal(
        [
            "ssl_handshake_timeout should be a positive number, got 0.0",
            "ssl_handshake_timeout should be a positive number, got -1.5",
            "ssl_handshake_timeout should be a positive number, got -2.0",
            "ssl_handshake_timeout should be a positive number, got -0.25",
            "ssl_handshake_timeout should be a positive number, got 0.0",
            "ssl_handshake_timeout should be a positive number, got -3.0",
            "you have to pass server_hostname when using ssl",
            "you have to pass server_hostname when using ssl",
        ], messages);
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.CreateConnectionAsync(factory, "127.0.0.1", 70000, client); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.CreateServerAsync(factory, "127.0.0.1", -1, server); });

        // Another thread, while the loop runs.
        var otherThread = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var calls = new Func<Task>[]
            {
                () => l.CreateConnectionAsync(factory, "127.0.0.1", 1, client),
                () => l.CreateServerAsync(factory, "127.0.0.1", 0, server),
                () => l.CreateUnixConnectionAsync(factory, path, client),
                () => l.CreateUnixServerAsync(factory, path, server),
                () => l.OpenUnixConnectionAsync(path, client),
                () => l.StartUnixServerAsync(handler, path, server),
            };
            return await Task.Run(() => calls.Count(call => Assert.Throws<InvalidOperationException>(() => { _ = call(); }) is not null));
        }));
        Assert.Equal(6, otherThread);

        loop.Close();
        Assert.Throws<InvalidOperationException>(() => { _ = loop.CreateConnectionAsync(factory, "127.0.0.1", 1, client); });
        Assert.Throws<InvalidOperationException>(() => { _ = loop.CreateServerAsync(factory, "127.0.0.1", 0, server); });
        Assert.Throws<InvalidOperationException>(() => { _ = loop.CreateUnixConnectionAsync(factory, path, client); });
        Assert.Throws<InvalidOperationException>(() => { _ = loop.CreateUnixServerAsync(factory, path, server); });
        Assert.Throws<InvalidOperationException>(() => { _ = loop.OpenUnixConnectionAsync(path, client); });
        Assert.Throws<InvalidOperationException>(() => { _ = loop.StartUnixServerAsync(handler, path, server); });

        Assert.False(File.Exists(path));
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }
}
