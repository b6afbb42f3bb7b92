using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using Asyncio.Tests.Reliability.Boundary;
using Asyncio.Tests.Streams;

namespace Asyncio.Tests.IO.Tls;

/// <summary>
/// TLS over loopback sockets on virtual time: the clock waits while a handshake works and jumps
/// only while one waits on a silent peer, so the handshake timeout is met at its exact time.
/// Certificates are made in memory (<see cref="TestCertificates"/>). Every test checks that no
/// socket is left open.
/// </summary>
public class TlsStreamTests : LoopTest
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static string S(byte[] b) => Encoding.ASCII.GetString(b);

    private static int PortOf(Server server) => ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;

    private static async Task EchoLinesAsync(LoopStreamReader reader, LoopStreamWriter writer)
    {
        await foreach (var line in reader)
        {
            writer.Write(line);
            await writer.DrainAsync();
        }
        writer.Close();
        await writer.WaitClosedAsync();
    }

    [Fact]
    public void OpenConnection_TlsEchoServer_RoundTripsOverTlsAndTheClockNeverJumps()
    {
        var loop = NewLoop();
        var (echoed, authenticated, canWriteEof, time) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var server = await l.StartServerAsync(EchoLinesAsync, "127.0.0.1", 0, TestCertificates.Server());
            var (reader, writer) = await l.OpenConnectionAsync("127.0.0.1", PortOf(server), TestCertificates.Client());
            var echoed = new List<string>();
            foreach (var word in new[] { "one", "two", "three" })
            {
                writer.Write(B(word + "\n"));
                await writer.DrainAsync();
                echoed.Add(S(await reader.ReadLineAsync()));
            }
            var tls = (SslStream)writer.GetExtraInfo("ssl_object")!;
            // Before the close, which disposes the SslStream.
            var authenticated = tls.IsAuthenticated && tls.RemoteCertificate!.GetCertHashString() == TestCertificates.Localhost.GetCertHashString();
            var canWriteEof = writer.CanWriteEof;
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return (echoed, authenticated, canWriteEof, l.Time());
        }));
        Assert.Equal(["one\n", "two\n", "three\n"], echoed);
        Assert.True(authenticated);
        Assert.False(canWriteEof);
        Assert.Equal(0.0, time);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void OpenConnection_ClientRejectsTheCertificate_ThrowsAuthenticationExceptionAndTheLoopGoesOn()
    {
        var loop = NewLoop();
        var (error, echoed) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var server = await l.StartServerAsync(EchoLinesAsync, "127.0.0.1", 0, TestCertificates.Server());
            var error = await Assert.ThrowsAsync<AuthenticationException>(() => l.OpenConnectionAsync("127.0.0.1", PortOf(server), TestCertificates.Client(trust: false)));
            // The server dropped that connection quietly and serves the next one.
            var (reader, writer) = await l.OpenConnectionAsync("127.0.0.1", PortOf(server), TestCertificates.Client());
            writer.Write(B("after\n"));
            var echoed = S(await reader.ReadLineAsync());
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return (error, echoed);
        }));
        Assert.Contains("RemoteCertificateValidationCallback", error.Message);
        Assert.Equal("after\n", echoed);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void OpenConnection_PeerNeverAnswersTheHandshake_TimesOutAtSixtySecondsWithAsyncioMessage()
    {
        var loop = NewLoop();
        var (error, time, serverSawEof) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var sawEof = l.CreateFuture<bool>();
            // A plain server: it reads the ClientHello and never answers.
            var server = await l.StartServerAsync(async (r, w) =>
            {
                var hello = await r.ReadAsync();
                sawEof.SetResult(hello.Length > 0 && r.AtEof);
                w.Close();
            }, "127.0.0.1", 0);
            var error = await Assert.ThrowsAsync<TimeoutException>(() => l.OpenConnectionAsync("127.0.0.1", PortOf(server), TestCertificates.Client()));
            var time = l.Time();
            var serverSawEof = await sawEof; // the client's socket was closed
            server.Close();
            await server.WaitClosedAsync();
            return (error, time, serverSawEof);
        }));
        Assert.Equal("SSL handshake is taking longer than 60.0 seconds: aborting the connection", error.Message);
        Assert.Equal(60.0, time);
        Assert.True(serverSawEof);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void StartServer_ClientNeverStartsTheHandshake_ServerDropsItAtTheTimeoutWithoutReport()
    {
        var loop = NewLoop();
        var (rest, time, handlerRan) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            bool handlerRan = false;
            var server = await l.StartServerAsync((r, w) => { handlerRan = true; return Task.CompletedTask; }, "127.0.0.1", 0, TestCertificates.Server(), sslHandshakeTimeout: TimeSpan.FromSeconds(2.5));
            var (reader, writer) = await l.OpenConnectionAsync("127.0.0.1", PortOf(server)); // plain, silent
            var rest = await reader.ReadAsync();
            var time = l.Time();
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return (rest, time, handlerRan);
        }));
        Assert.Empty(rest);
        Assert.Equal(2.5, time);
        Assert.False(handlerRan);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void StartTls_AfterAPlainExchange_UpgradesTheSameReaderAndWriter()
    {
        var loop = NewLoop();
        var serverLog = new List<string>();
        var (log, time) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var log = new List<string>();
            var server = await l.StartServerAsync(async (r, w) =>
            {
                var command = S(await r.ReadLineAsync());
                w.Write(B("OK\n"));
                await w.StartTlsAsync(TestCertificates.Server());
                serverLog.Add($"{command.TrimEnd()} then tls={w.GetExtraInfo("ssl_object") is not null}");
                await EchoLinesAsync(r, w);
            }, "127.0.0.1", 0);
            var (reader, writer) = await l.OpenConnectionAsync("127.0.0.1", PortOf(server));
            writer.Write(B("STARTTLS\n"));
            log.Add("client: " + S(await reader.ReadLineAsync()).TrimEnd());
            log.Add($"client: before tls={writer.GetExtraInfo("ssl_object") is not null} eof={writer.CanWriteEof}");
            await writer.StartTlsAsync(TestCertificates.Client());
            log.Add($"client: after tls={writer.GetExtraInfo("ssl_object") is not null} eof={writer.CanWriteEof}");
            writer.Write(B("secret\n"));
            log.Add("client: echo " + S(await reader.ReadLineAsync()).TrimEnd());
            var error = Assert.Throws<NotSupportedException>(writer.WriteEof);
            log.Add("client: " + error.Message);
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return (log, l.Time());
        }));
        Assert.Equal(
        [
            "client: OK",
            "client: before tls=False eof=True",
            "client: after tls=True eof=False",
            "client: echo secret",
            "client: SSL doesn't support half-closes",
        ], log);
        Assert.Equal(["STARTTLS then tls=True"], serverLog);
        Assert.Equal(0.0, time);
        Assert.Equal(0, loop._openTransportCount);
    }

    // After start_tls the writer talks to a new (TLS) transport, as asyncio's StreamWriter.start_tls
    // replaces its transport: the server must still reach the connection (CloseClients), and
    // forget it once lost, through the transport it was given at accept.
    [Fact]
    public void StartTls_TheServerStillReachesTheUpgradedConnection()
    {
        var loop = NewLoop();
        var (log, time) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var log = new List<string>();
            var upgraded = l.CreateFuture<bool>();
            var server = await l.StartServerAsync(async (r, w) =>
            {
                await r.ReadLineAsync();
                w.Write(B("OK\n"));
                await w.StartTlsAsync(TestCertificates.Server());
                upgraded.SetResult(true);
                log.Add("server: read after close gives " + S(await r.ReadAsync()).Length + " bytes");
            }, "127.0.0.1", 0);
            var (reader, writer) = await l.OpenConnectionAsync("127.0.0.1", PortOf(server));
            writer.Write(B("STARTTLS\n"));
            await reader.ReadLineAsync();
            await writer.StartTlsAsync(TestCertificates.Client());
            await upgraded;
            server.Close();
            server.CloseClients(); // the server's handle on the connection is the plain transport it accepted
            log.Add("client: eof " + S(await reader.ReadAsync()).Length);
            await server.WaitClosedAsync();
            log.Add("server closed");
            writer.Close();
            await writer.WaitClosedAsync();
            return (log, l.Time());
        }));
        Assert.Equal(["server: read after close gives 0 bytes", "client: eof 0", "server closed"], log);
        Assert.Equal(0.0, time);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void TlsCalls_BadArguments_ThrowAtTheCallBeforeAnySocket()
    {
        var loop = NewLoop();
        Assert.Throws<ArgumentNullException>(() => { _ = loop.OpenConnectionAsync("127.0.0.1", 1, (SslClientAuthenticationOptions)null!); });
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.OpenConnectionAsync("127.0.0.1", 1, TestCertificates.Client(), TimeSpan.Zero); });
        Assert.Null(zero.ParamName);
        Assert.Equal("ssl_handshake_timeout should be a positive number, got 0.0", zero.Message);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.StartServerAsync((r, w) => Task.CompletedTask, "127.0.0.1", 0, TestCertificates.Server(), TimeSpan.FromSeconds(-1.5)); });
        Assert.Equal("ssl_handshake_timeout should be a positive number, got -1.5", negative.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.OpenConnectionAsync("127.0.0.1", 70000, TestCertificates.Client()); });
        loop.Close();
        Assert.Throws<InvalidOperationException>(() => { _ = loop.OpenConnectionAsync("127.0.0.1", 1, TestCertificates.Client()); });
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void StartTls_OnAWrappedStream_ThrowsNotSupportedByStartTls()
    {
        var loop = NewLoop();
        var (_, writer) = loop.WrapStream(new DuplexTestStream());
        var error = Assert.Throws<InvalidOperationException>(() => { _ = writer.StartTlsAsync(TestCertificates.Client()); });
        Assert.Equal("transport DuplexStreamTransport is not supported by start_tls()", error.Message);
        writer.Abort();
        Assert.Equal(0, loop._openTransportCount);
    }
}
