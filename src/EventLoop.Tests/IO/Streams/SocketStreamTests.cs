using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Asyncio.Tests.Streams;

/// <summary>Streams over real loopback sockets, on a real-time loop, every run bounded in time.</summary>
/// <remarks>Every test ends by checking that no socket of the loop is left open (<see cref="EventLoop._openTransportCount"/>).</remarks>
public class SocketStreamTests : LoopTest
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static string S(byte[] b) => Encoding.ASCII.GetString(b);

    private static int PortOf(Server server) => ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;

    private static async Task EchoLinesAsync(LoopStreamReader reader, LoopStreamWriter writer)
    {
        while (true)
        {
            var line = await reader.ReadLineAsync();
            if (line.Length == 0)
                break;
            writer.Write(line);
            await writer.DrainAsync();
        }
        writer.Close();
        await writer.WaitClosedAsync();
    }

    [Fact]
    public void OpenConnection_EchoServer_RoundTripsAndReportsAddresses()
    {
        var loop = NewRealLoop();
        var (echoed, peer, local, port) = Run(loop, async () =>
        {
            var server = await loop.StartServerAsync(EchoLinesAsync, "127.0.0.1", 0);
            int port = PortOf(server);
            var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", port);
            writer.Write(B("hello\n"));
            await writer.DrainAsync();
            var echoed = S(await reader.ReadLineAsync());
            var peer = (IPEndPoint)writer.GetExtraInfo("peername")!;
            var local = (IPEndPoint)writer.GetExtraInfo("sockname")!;
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return (echoed, peer, local, port);
        });
        Assert.Equal("hello\n", echoed);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), peer);
        Assert.Equal(IPAddress.Loopback, local.Address);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void ReadExactly_DataArrivesInPieces_ReassemblesIt()
    {
        var loop = NewRealLoop();
        var (whole, reads) = Run(loop, async () =>
        {
            var received = loop.CreateFuture<byte[]>();
            var server = await loop.StartServerAsync(async (reader, writer) =>
            {
                received.SetResult(await reader.ReadExactlyAsync(11));
                writer.Close();
            }, "127.0.0.1", 0);
            var (clientReader, clientWriter) = await loop.OpenConnectionAsync("127.0.0.1", PortOf(server));
            foreach (var piece in new[] { "hel", "lo w", "orld" })
            {
                clientWriter.Write(B(piece));
                await clientWriter.DrainAsync();
                await loop.Sleep(0.01); // separate segments: the server sees partial reads
            }
            var whole = S(await received);
            var eof = await clientReader.ReadAsync();
            clientWriter.Close();
            await clientWriter.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return (whole, eof.Length);
        });
        Assert.Equal("hello world", whole);
        Assert.Equal(0, reads);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void ReadExactly_PeerClosesMidRead_ThrowsIncompleteReadErrorWithWhatArrived()
    {
        var loop = NewRealLoop();
        var error = Run(loop, async () =>
        {
            var server = await loop.StartServerAsync(async (reader, writer) =>
            {
                writer.Write(B("abc"));
                writer.Close();
                await writer.WaitClosedAsync();
            }, "127.0.0.1", 0);
            var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", PortOf(server));
            var error = await Assert.ThrowsAsync<IncompleteReadError>(() => reader.ReadExactlyAsync(10));
            Assert.True(reader.AtEof);
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return error;
        });
        Assert.Equal("abc", S(error.Partial));
        Assert.Equal(10, error.Expected);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void DrainAsync_PeerNotReading_WaitsThenResumesWhenThePeerReads()
    {
        const int Total = 32 * 1024 * 1024; // beyond what loopback's kernel buffers absorb
        var loop = NewRealLoop();
        var (pausedWhileBlocked, drainDoneBeforeReading, received, limits) = Run(loop, async () =>
        {
            var startReading = loop.CreateFuture<bool>();
            var receivedAll = loop.CreateFuture<long>();
            var server = await loop.StartServerAsync(async (reader, writer) =>
            {
                await startReading;
                long total = 0;
                while (true)
                {
                    var chunk = await reader.ReadAsync(64 * 1024);
                    if (chunk.Length == 0)
                        break;
                    total += chunk.Length;
                }
                receivedAll.SetResult(total);
                writer.Close();
            }, "127.0.0.1", 0);
            var (clientReader, clientWriter) = await loop.OpenConnectionAsync("127.0.0.1", PortOf(server));
            var limits = clientWriter.GetWriteBufferLimits();
            clientWriter.Write(new byte[Total]);
            var drain = loop.CreateTask(() => clientWriter.DrainAsync());
            await loop.Sleep(0.2);
            bool paused = clientWriter.WriteBufferSize > limits.High;
            bool drainDone = drain.Done;
            startReading.SetResult(true);
            await drain; // resumes once the buffer is down to the low-water mark
            Assert.True(clientWriter.WriteBufferSize <= limits.Low);
            clientWriter.WriteEof();
            var received = await receivedAll;
            await clientReader.ReadAsync();
            clientWriter.Close();
            await clientWriter.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return (paused, drainDone, received, limits);
        }, seconds: 30);
        Assert.Equal((16 * 1024, 64 * 1024), limits);
        Assert.True(pausedWhileBlocked);
        Assert.False(drainDoneBeforeReading);
        Assert.Equal(Total, received);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void ServerClose_WithClientConnected_StopsListeningButKeepsTheConnection()
    {
        var loop = NewRealLoop();
        var log = Run(loop, async () =>
        {
            var log = new List<string>();
            var server = await loop.StartServerAsync(EchoLinesAsync, "127.0.0.1", 0);
            int port = PortOf(server);
            var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", port);
            writer.Write(B("one\n"));
            log.Add(S(await reader.ReadLineAsync()).Trim());
            server.Close();
            log.Add($"serving={server.IsServing} sockets={server.Sockets.Count}");
            var closed = loop.CreateTask(() => server.WaitClosedAsync());
            writer.Write(B("two\n"));
            log.Add(S(await reader.ReadLineAsync()).Trim());
            await loop.Sleep(0.05);
            log.Add($"wait_closed done={closed.Done}");
            var refused = await Assert.ThrowsAsync<SocketException>(() => loop.OpenConnectionAsync("127.0.0.1", port));
            log.Add(refused.SocketErrorCode.ToString());
            writer.Close();
            await writer.WaitClosedAsync();
            await closed;
            log.Add("wait_closed returned");
            return log;
        });
        Assert.Equal(["one", "serving=False sockets=0", "two", "wait_closed done=False", "ConnectionRefused", "wait_closed returned"], log);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void CloseClients_ClosesAcceptedConnections_ClientsSeeEof()
    {
        var loop = NewRealLoop();
        var eof = Run(loop, async () =>
        {
            var server = await loop.StartServerAsync(async (reader, writer) => await reader.ReadAsync(), "127.0.0.1", 0);
            var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", PortOf(server));
            await loop.Sleep(0.05);
            Assert.Equal(1, server.ActiveCount);
            server.Close();
            server.CloseClients();
            await server.WaitClosedAsync();
            var rest = await reader.ReadAsync();
            writer.Close();
            await writer.WaitClosedAsync();
            return rest.Length == 0 && reader.AtEof;
        });
        Assert.True(eof);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void Cancel_TaskBlockedInSocketRead_ThrowsCancelledAndTheConnectionStillWorks()
    {
        var loop = NewRealLoop();
        var (cancelled, after) = Run(loop, async () =>
        {
            var server = await loop.StartServerAsync(EchoLinesAsync, "127.0.0.1", 0);
            var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", PortOf(server));
            var blocked = loop.CreateTask(() => reader.ReadLineAsync());
            await loop.Sleep(0.05);
            blocked.Cancel();
            await Assert.ThrowsAsync<CancelledError>(async () => await blocked);
            writer.Write(B("still here\n"));
            var after = S(await reader.ReadLineAsync());
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return (blocked.Cancelled, after);
        });
        Assert.True(cancelled);
        Assert.Equal("still here\n", after);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void OpenConnection_NobodyListening_ThrowsConnectionRefusedAndLeaksNothing()
    {
        // A port that was just free: bind, read the port, close.
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        var loop = NewRealLoop();
        var error = Run(loop, () => Assert.ThrowsAsync<SocketException>(() => loop.OpenConnectionAsync("127.0.0.1", port)));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void OpenConnection_BadHost_ThrowsSocketExceptionAndLeaksNothing()
    {
        // A label over 63 characters cannot be encoded in a DNS query: the resolver fails
        // locally, so no packet leaves the machine.
        string host = new string('x', 70) + ".invalid";
        var loop = NewRealLoop();
        var error = Run(loop, () => Assert.ThrowsAsync<SocketException>(() => loop.OpenConnectionAsync(host, 80)));
        Assert.Equal(SocketError.HostNotFound, error.SocketErrorCode);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void Read_PeerResetsTheConnection_ThrowsSocketExceptionConnectionReset()
    {
        var loop = NewRealLoop();
        var (code, closedCode) = Run(loop, async () =>
        {
            var outcome = loop.CreateFuture<(SocketError, SocketError)>();
            var server = await loop.StartServerAsync(async (reader, writer) =>
            {
                var error = await Assert.ThrowsAsync<SocketException>(() => reader.ReadAsync());
                var closed = await Assert.ThrowsAsync<SocketException>(() => writer.WaitClosedAsync());
                outcome.SetResult((error.SocketErrorCode, closed.SocketErrorCode));
            }, "127.0.0.1", 0);
            var (_, writer) = await loop.OpenConnectionAsync("127.0.0.1", PortOf(server));
            await loop.Sleep(0.05);
            // SO_LINGER with a zero timeout: closing sends RST instead of FIN.
            ((Socket)writer.GetExtraInfo("socket")!).LingerState = new LingerOption(true, 0);
            writer.Abort();
            var result = await outcome;
            server.Close();
            await server.WaitClosedAsync();
            return result;
        });
        Assert.Equal(SocketError.ConnectionReset, code);
        Assert.Equal(SocketError.ConnectionReset, closedCode);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void Handler_Throws_IsReportedAndItsConnectionClosed()
    {
        var loop = NewRealLoop();
        var eof = Run(loop, async () =>
        {
            var server = await loop.StartServerAsync((reader, writer) => throw new InvalidOperationException("handler failed"), "127.0.0.1", 0);
            var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", PortOf(server));
            var rest = await reader.ReadAsync();
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return rest.Length == 0;
        });
        Assert.True(eof);
        var report = Assert.Single(TakeReports());
        Assert.Equal("Unhandled exception in client_connected_cb", report.Message);
        Assert.Equal("handler failed", report.Exception!.Message);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void ServeForever_Cancelled_ClosesTheServer()
    {
        var loop = NewRealLoop();
        var (serving, sockets) = Run(loop, async () =>
        {
            var server = await loop.StartServerAsync(EchoLinesAsync, "127.0.0.1", 0);
            var forever = loop.CreateTask(() => server.ServeForeverAsync());
            await loop.Sleep(0.01);
            await Assert.ThrowsAsync<InvalidOperationException>(() => server.ServeForeverAsync());
            forever.Cancel();
            await Assert.ThrowsAsync<CancelledError>(async () => await forever);
            return (server.IsServing, server.Sockets.Count);
        });
        Assert.False(serving);
        Assert.Equal(0, sockets);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void UnixServer_RoundTrip_AndTheSocketFileGoesWithTheServer()
    {
        string path = Path.Combine(Path.GetTempPath(), $"eventloop-test-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        var loop = NewRealLoop();
        var echoed = Run(loop, async () =>
        {
            var server = await loop.StartUnixServerAsync(EchoLinesAsync, path);
            Assert.True(File.Exists(path));
            var (reader, writer) = await loop.OpenUnixConnectionAsync(path);
            writer.WriteLines([B("a\n"), B("b\n")]);
            var echoed = S(await reader.ReadLineAsync()) + S(await reader.ReadLineAsync());
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return echoed;
        });
        Assert.Equal("a\nb\n", echoed);
        Assert.False(File.Exists(path));
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void Write_AfterWriteEof_Throws_AndThePeerSeesEof()
    {
        var loop = NewRealLoop();
        var got = Run(loop, async () =>
        {
            var server = await loop.StartServerAsync(async (reader, writer) =>
            {
                var all = await reader.ReadAsync();
                writer.Write(all);
                writer.Close();
            }, "127.0.0.1", 0);
            var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", PortOf(server));
            writer.Write(B("half"));
            Assert.True(writer.CanWriteEof);
            writer.WriteEof();
            Assert.Throws<InvalidOperationException>(() => writer.Write(B("more")));
            var got = S(await reader.ReadAsync());
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return got;
        });
        Assert.Equal("half", got);
        Assert.Equal(0, loop._openTransportCount);
    }
}
