using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Asyncio.Tests.IO.Protocols;

/// <summary>Protocols over real loopback sockets on a real-time loop, each run bounded in time.</summary>
/// <remarks>
/// The orders asserted are what CPython 3.12 printed for the same program (an echo client and
/// server: client made, returned, data, eof, lost None; server made, data, eof, lost None;
/// pause_writing inside the write, resume_writing at or below the low-water mark). Each side's
/// log is asserted on its own: the two sides run on the loop in an order the sockets decide.
/// Every test ends with no socket of the loop left open.
/// </remarks>
public class ProtocolTransportTests : LoopTest
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static int PortOf(Server server) => ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;

    /// <summary>Logs every callback; consecutive data chunks are logged once, with all their bytes.</summary>
    private class LoggingProtocol(List<string> log) : Protocol
    {
        public Transport? Transport;
        public bool KeepOpenAtEof;
        public bool Echo;
        public Future<bool>? EofSeen;
        public readonly Future<bool>? Lost;

        public LoggingProtocol(List<string> log, Future<bool> lost) : this(log) => Lost = lost;

        public override void ConnectionMade(Transport transport)
        {
            Transport = transport;
            log.Add("made");
        }

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            string text = Encoding.ASCII.GetString(data);
            if (log.Count > 0 && log[^1].StartsWith("data ", StringComparison.Ordinal))
                log[^1] += text;
            else
                log.Add("data " + text);
            if (Echo)
                Transport!.Write(data);
        }

        public override bool EofReceived()
        {
            log.Add("eof");
            EofSeen?.SetResult(true);
            return KeepOpenAtEof;
        }

        public override void ConnectionLost(Exception? exception)
        {
            log.Add(exception is SocketException s ? "lost " + s.SocketErrorCode : "lost " + (exception?.GetType().Name ?? "null"));
            Lost?.SetResult(true);
        }
    }

    [Fact]
    public void CreateConnection_EchoServer_CallbacksRunInAsyncioOrder()
    {
        var loop = NewRealLoop();
        var clientLog = new List<string>();
        var serverLog = new List<string>();
        EndPoint? peer = null;
        Run(loop, async () =>
        {
            var server = await loop.CreateServerAsync(() => new LoggingProtocol(serverLog) { Echo = true }, "127.0.0.1", 0);
            var lost = loop.CreateFuture<bool>();
            var (transport, protocol) = await loop.CreateConnectionAsync(() => new LoggingProtocol(clientLog, lost), "127.0.0.1", PortOf(server));
            clientLog.Add("returned");
            Assert.Same(transport, protocol.Transport);
            peer = (EndPoint?)transport.GetExtraInfo("peername");
            transport.Write(B("hel"));
            transport.WriteLines([B("lo")]);
            transport.WriteEof();
            var ex = Assert.Throws<InvalidOperationException>(() => transport.Write(B("x")));
            Assert.Equal("Cannot call write() after write_eof()", ex.Message);
            await lost;
            Assert.True(transport.IsClosing);
            server.Close();
            await server.WaitClosedAsync();
        });
        Assert.Equal(["made", "returned", "data hello", "eof", "lost null"], clientLog);
        Assert.Equal(["made", "data hello", "eof", "lost null"], serverLog);
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)peer!).Address);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void EofReceived_ReturningTrue_KeepsTheTransportOpenForWriting()
    {
        var loop = NewRealLoop();
        var clientLog = new List<string>();
        var serverLog = new List<string>();
        Run(loop, async () =>
        {
            // The server half-closes first, then answers after the client's EOF.
            var server = await loop.CreateServerAsync(() => new HalfCloser(serverLog), "127.0.0.1", 0);
            var lost = loop.CreateFuture<bool>();
            var eof = loop.CreateFuture<bool>();
            var (transport, _) = await loop.CreateConnectionAsync(() => new LoggingProtocol(clientLog, lost) { KeepOpenAtEof = true, EofSeen = eof }, "127.0.0.1", PortOf(server));
            await eof;
            Assert.False(transport.IsClosing);
            transport.Write(B("late"));
            transport.Close();
            await lost;
            server.Close();
            await server.WaitClosedAsync();
        });
        Assert.Equal(["made", "eof", "lost null"], clientLog);
        Assert.Equal(["made", "data late", "eof", "lost null"], serverLog);
        Assert.Equal(0, loop._openTransportCount);
    }

    private sealed class HalfCloser(List<string> log) : LoggingProtocol(log)
    {
        public override void ConnectionMade(Transport transport)
        {
            base.ConnectionMade(transport);
            transport.WriteEof();
        }
    }

    [Fact]
    public void CreateConnection_ClosedPort_ThrowsConnectionRefusedAndLeaksNoSocket()
    {
        var loop = NewRealLoop();
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port; // bound, never listening: refused
            var made = 0;
            var error = Run(loop, async () =>
            {
                try
                {
                    await loop.CreateConnectionAsync(() => { made++; return new LoggingProtocol([]); }, "127.0.0.1", port);
                    return null;
                }
                catch (SocketException e)
                {
                    return e;
                }
            });
            Assert.Equal(SocketError.ConnectionRefused, error!.SocketErrorCode);
            Assert.Equal(0, made); // asyncio makes the protocol only once connected
        }
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void PeerResets_ConnectionLostGetsConnectionResetAndNoEof()
    {
        var loop = NewRealLoop();
        var log = new List<string>();
        Run(loop, async () =>
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            var lost = loop.CreateFuture<bool>();
            var accepting = loop.SockAcceptAsync(listener);
            var (transport, _) = await loop.CreateConnectionAsync(() => new LoggingProtocol(log, lost), "127.0.0.1", ((IPEndPoint)listener.LocalEndPoint!).Port);
            var (accepted, _) = await accepting;
            accepted.LingerState = new LingerOption(true, 0); // close with an RST
            accepted.Close();
            await lost;
        });
        Assert.Equal(["made", "lost ConnectionReset"], log);
        Assert.Equal(0, loop._openTransportCount);
    }

    private sealed class FlowProtocol(List<string> log) : Protocol
    {
        public Transport? Transport;
        public int SizeAtPause;
        public int SizeAtResume;
        public Future<bool>? Resumed;

        public override void ConnectionMade(Transport transport) => Transport = transport;

        public override void PauseWriting()
        {
            SizeAtPause = Transport!.WriteBufferSize;
            log.Add("pause");
        }

        public override void ResumeWriting()
        {
            SizeAtResume = Transport!.WriteBufferSize;
            log.Add("resume");
            Resumed!.SetResult(true);
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

    [Fact]
    public void Write_PastTheHighWaterMark_PausesInsideTheWriteAndResumesAtTheLowMark()
    {
        var loop = NewRealLoop();
        var log = new List<string>();
        FlowProtocol? flow = null;
        bool wasReading = true;
        Run(loop, async () =>
        {
            var sinkMade = loop.CreateFuture<Transport>();
            var server = await loop.CreateServerAsync(() => new Sink(sinkMade), "127.0.0.1", 0);
            var (transport, protocol) = await loop.CreateConnectionAsync(() => new FlowProtocol(log), "127.0.0.1", PortOf(server));
            flow = protocol;
            protocol.Resumed = loop.CreateFuture<bool>();
            Assert.Equal((16 * 1024, 64 * 1024), transport.GetWriteBufferLimits());
            var sink = await sinkMade;
            wasReading = sink.IsReading;
            // More than loopback's kernel buffers take: the rest stays in the transport's buffer.
            transport.Write(new byte[32 << 20]);
            log.Add("written");
            sink.ResumeReading();
            await protocol.Resumed;
            transport.Close();
            sink.Close();
            server.Close();
            await server.WaitClosedAsync();
        }, seconds: 30);
        Assert.False(wasReading);
        Assert.Equal(["pause", "written", "resume"], log);
        Assert.True(flow!.SizeAtPause > 64 * 1024, $"paused at {flow.SizeAtPause}");
        Assert.True(flow.SizeAtResume <= 16 * 1024, $"resumed at {flow.SizeAtResume}");
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void SetWriteBufferLimits_AsyncioDefaultsAndCheck()
    {
        var loop = NewRealLoop();
        Run(loop, async () =>
        {
            var sinkMade = loop.CreateFuture<Transport>();
            var server = await loop.CreateServerAsync(() => new Sink(sinkMade), "127.0.0.1", 0);
            var (transport, _) = await loop.CreateConnectionAsync(() => new LoggingProtocol([]), "127.0.0.1", PortOf(server));
            transport.SetWriteBufferLimits(low: 100);
            Assert.Equal((100, 400), transport.GetWriteBufferLimits());
            transport.SetWriteBufferLimits(high: 1000);
            Assert.Equal((250, 1000), transport.GetWriteBufferLimits());
            var ex = Assert.Throws<ArgumentException>(() => transport.SetWriteBufferLimits(10, 20));
            Assert.Equal("high (10) must be >= low (20) must be >= 0", ex.Message);
            transport.Abort();
            (await sinkMade).Abort();
            server.Close();
            await server.WaitClosedAsync();
        });
        Assert.Equal(0, loop._openTransportCount);
    }

    private sealed class SmallBuffers(List<string> log, Future<string> whole) : BufferedProtocol
    {
        private readonly byte[] _buffer = new byte[3];
        private readonly StringBuilder _received = new();

        public override void ConnectionMade(Transport transport) => log.Add("made");

        public override Memory<byte> GetBuffer(int sizeHint)
        {
            Assert.Equal(-1, sizeHint);
            return _buffer;
        }

        public override void BufferUpdated(int count) => _received.Append(Encoding.ASCII.GetString(_buffer, 0, count));

        public override bool EofReceived()
        {
            log.Add("eof " + _received);
            return false;
        }

        public override void ConnectionLost(Exception? exception)
        {
            log.Add("lost");
            whole.SetResult(_received.ToString());
        }
    }

    [Fact]
    public void BufferedProtocol_SmallBuffer_ReceivesEverythingInPiecesWithoutCopies()
    {
        var loop = NewRealLoop();
        var log = new List<string>();
        string text = Run(loop, async () =>
        {
            var whole = loop.CreateFuture<string>();
            var server = await loop.CreateServerAsync(() => new SmallBuffers(log, whole), "127.0.0.1", 0);
            var lost = loop.CreateFuture<bool>();
            var (transport, _) = await loop.CreateConnectionAsync(() => new LoggingProtocol([], lost), "127.0.0.1", PortOf(server));
            transport.Write(B("hello, world"));
            transport.WriteEof();
            var text = await whole;
            await lost;
            server.Close();
            await server.WaitClosedAsync();
            return text;
        });
        Assert.Equal("hello, world", text);
        Assert.Equal(["made", "eof hello, world", "lost"], log);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void UnixConnection_EchoServer_CallbacksRunInAsyncioOrder()
    {
        var loop = NewRealLoop();
        var clientLog = new List<string>();
        var serverLog = new List<string>();
        string path = Path.Combine(Path.GetTempPath(), "evl-proto-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        Run(loop, async () =>
        {
            var server = await loop.CreateUnixServerAsync(() => new LoggingProtocol(serverLog) { Echo = true }, path);
            var lost = loop.CreateFuture<bool>();
            var (transport, _) = await loop.CreateUnixConnectionAsync(() => new LoggingProtocol(clientLog, lost), path);
            transport.Write(B("unix"));
            transport.WriteEof();
            await lost;
            server.Close();
            await server.WaitClosedAsync();
        });
        Assert.Equal(["made", "data unix", "eof", "lost null"], clientLog);
        Assert.Equal(["made", "data unix", "eof", "lost null"], serverLog);
        Assert.False(File.Exists(path));
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void Server_CloseClientsAndAbort_EachProtocolLosesItsConnectionOnce()
    {
        var loop = NewRealLoop();
        var serverLog = new List<string>();
        var clientLog = new List<string>();
        Run(loop, async () =>
        {
            var made = loop.CreateFuture<bool>();
            var server = await loop.CreateServerAsync(() => new MadeSignal(serverLog, made), "127.0.0.1", 0);
            var lost = loop.CreateFuture<bool>();
            var (transport, _) = await loop.CreateConnectionAsync(() => new LoggingProtocol(clientLog, lost), "127.0.0.1", PortOf(server));
            await made;
            server.Close();
            server.CloseClients();
            server.CloseClients(); // idempotent: one connection_lost
            await server.WaitClosedAsync();
            await lost;
            transport.Abort(); // after the loss: nothing more happens
        });
        Assert.Equal(["made", "lost null"], serverLog);
        Assert.Equal(["made", "eof", "lost null"], clientLog);
        Assert.Equal(0, loop._openTransportCount);
    }

    private sealed class MadeSignal(List<string> log, Future<bool> made) : LoggingProtocol(log)
    {
        public override void ConnectionMade(Transport transport)
        {
            base.ConnectionMade(transport);
            made.SetResult(true);
        }
    }

    private sealed class Throwing(List<string> log, Future<bool> lost) : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => throw new FormatException("bad data");

        public override void ConnectionLost(Exception? exception)
        {
            log.Add("lost " + exception?.Message);
            lost.SetResult(true);
        }
    }

    [Fact]
    public void DataReceived_Throws_ReportedAsAsyncioAndConnectionLostGetsTheException()
    {
        var loop = NewRealLoop();
        var log = new List<string>();
        Run(loop, async () =>
        {
            var lost = loop.CreateFuture<bool>();
            var server = await loop.CreateServerAsync(() => new Throwing(log, lost), "127.0.0.1", 0);
            var clientLost = loop.CreateFuture<bool>();
            var (transport, _) = await loop.CreateConnectionAsync(() => new LoggingProtocol([], clientLost), "127.0.0.1", PortOf(server));
            transport.Write(B("boom"));
            await lost;
            await clientLost; // the server closed its side: the client sees EOF and closes
            server.Close();
            await server.WaitClosedAsync();
        });
        var report = Assert.Single(TakeReports());
        Assert.Equal("Fatal error: protocol.data_received() call failed.", report.Message);
        Assert.IsType<FormatException>(report.Exception);
        Assert.Equal(["lost bad data"], log);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void ArgumentChecks_ThrowBeforeAnySocket()
    {
        var loop = NewRealLoop();
        Assert.Throws<ArgumentNullException>(() => { _ = loop.CreateConnectionAsync<Protocol>(null!, "127.0.0.1", 1); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.CreateConnectionAsync(() => new LoggingProtocol([]), "127.0.0.1", 65536); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.CreateServerAsync(() => new LoggingProtocol([]), "127.0.0.1", -1); });
        Assert.Throws<ArgumentException>(() => { _ = loop.CreateUnixConnectionAsync(() => new LoggingProtocol([]), ""); });
        Assert.Equal(0, loop._openTransportCount);
        loop.Close();
        var closed = Assert.Throws<InvalidOperationException>(() => { _ = loop.CreateServerAsync(() => new LoggingProtocol([]), "127.0.0.1", 0); });
        Assert.Equal("Event loop is closed", closed.Message);
    }

    [Fact]
    public void CreateConnection_FromAnotherThread_ThrowsBeforeAnySocket()
    {
        var loop = NewRealLoop();
        Exception? error = null;
        Run(loop, async () =>
        {
            var thread = new Thread(() =>
            {
                try
                {
                    _ = loop.CreateConnectionAsync(() => new LoggingProtocol([]), "127.0.0.1", 1);
                }
                catch (Exception e)
                {
                    error = e;
                }
            });
            thread.Start();
            thread.Join();
            await loop.Sleep(0);
        });
        Assert.IsType<InvalidOperationException>(error);
        Assert.Equal(0, loop._openTransportCount);
    }
}
