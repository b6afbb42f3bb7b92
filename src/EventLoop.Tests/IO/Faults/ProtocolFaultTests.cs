using System.Net;
using System.Net.Sockets;
using System.Text;
using static Asyncio.Tests.IO.Faults.FaultCollection;

namespace Asyncio.Tests.IO.Faults;

/// <summary>
/// Hostile peers and failures against the protocols API (CreateConnectionAsync, CreateServerAsync),
/// on loopback, each run bounded in time. Each ends in a protocol callback or a clear exception,
/// the loop runs one more callback after it, and the process has as many sockets open as before.
/// </summary>
/// <remarks>Each side's log is asserted on its own: the two sides run in an order the sockets decide.</remarks>
[Collection(FaultCollection.Name)]
public class ProtocolFaultTests : LoopTest
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static void AssertLoopGoesOn(EventLoop loop)
    {
        bool ran = false;
        loop.CallSoon(() => ran = true);
        RunOnce(loop);
        Assert.True(ran);
    }

    /// <summary>Logs every callback (consecutive data chunks once, with their byte count) and sets futures at the events a test waits for.</summary>
    private sealed class Peer(EventLoop loop, List<string> log) : Protocol
    {
        public Transport? Transport;
        public bool KeepOpenAtEof;
        public string? AnswerAtEof;
        public int Received;
        public readonly Future<Transport> Made = loop.CreateFuture<Transport>();
        public readonly Future<Exception?> Lost = loop.CreateFuture<Exception?>();
        public readonly Future<bool> Paused = loop.CreateFuture<bool>();
        public Action? OnResumeWriting;
        public Action? OnConnectionMade;

        public override void ConnectionMade(Transport transport)
        {
            Transport = transport;
            log.Add("made");
            Made.SetResult(transport);
            OnConnectionMade?.Invoke();
        }

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            if (Received == 0)
                log.Add("data");
            Received += data.Length;
        }

        public override bool EofReceived()
        {
            log.Add("eof");
            if (AnswerAtEof is not null)
            {
                Transport!.Write(B(AnswerAtEof.Replace("{n}", Received.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
                Transport.Close();
            }
            return KeepOpenAtEof;
        }

        public override void PauseWriting()
        {
            log.Add("pause_writing");
            if (!Paused.Done)
                Paused.SetResult(true);
        }

        public override void ResumeWriting()
        {
            log.Add("resume_writing");
            OnResumeWriting?.Invoke();
        }

        public override void ConnectionLost(Exception? exception)
        {
            log.Add(exception is SocketException s ? "lost " + s.SocketErrorCode : "lost " + (exception?.GetType().Name ?? "null"));
            Lost.SetResult(exception);
        }
    }

    [Fact]
    public void ConnectionLost_PeerResetsWhileTheWriteIsInFlight_GetsTheConnectionError()
    {
        int socketsBefore = OpenSockets();
        var loop = NewRealLoop();
        var clientLog = new List<string>();
        var (lost, buffered) = Run(loop, async () =>
        {
            Peer? serverPeer = null;
            var server = await loop.CreateServerAsync(() => serverPeer = new Peer(loop, []), "127.0.0.1", 0);
            var (transport, client) = await loop.CreateConnectionAsync(() => new Peer(loop, clientLog), "127.0.0.1", PortOf(server));
            // More than the loopback socket buffers hold while the peer does not read.
            transport.Write(new byte[32 * 1024 * 1024]);
            int buffered = transport.WriteBufferSize;
            while (serverPeer is null)
                await loop.Sleep(0.001); // the server side's connection_made has not run yet
            var peerTransport = await serverPeer.Made;
            ResetOnClose((Socket)peerTransport.GetExtraInfo("socket")!);
            peerTransport.Abort();
            var lost = await client.Lost;
            await serverPeer.Lost;
            server.Close();
            await server.WaitClosedAsync();
            return (lost, buffered);
        });
        Assert.True(buffered > 0);
        var error = Assert.IsType<SocketException>(lost);
        Assert.Contains(error.SocketErrorCode, new[] { SocketError.ConnectionReset, SocketError.Shutdown });
        // The peer's abort shuts its socket down before it closes it: a FIN may come before the
        // reset, and then eof_received runs first.
        Assert.Equal(["made", "pause_writing"], clientLog.Take(2));
        Assert.Equal("lost " + error.SocketErrorCode, clientLog[^1]);
        Assert.InRange(clientLog.Count, 3, 4);
        if (clientLog.Count == 4)
            Assert.Equal("eof", clientLog[2]);
        AssertLoopGoesOn(loop);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void WriteEof_PeerKeepsItsSideOpenAtEof_AnswersOverTheHalfClosedConnection()
    {
        int socketsBefore = OpenSockets();
        var loop = NewRealLoop();
        var clientLog = new List<string>();
        var serverLog = new List<string>();
        int received = Run(loop, async () =>
        {
            Peer? serverPeer = null;
            var server = await loop.CreateServerAsync(() => serverPeer = new Peer(loop, serverLog) { KeepOpenAtEof = true, AnswerAtEof = "got {n} bytes\n" }, "127.0.0.1", 0);
            var (transport, client) = await loop.CreateConnectionAsync(() => new Peer(loop, clientLog), "127.0.0.1", PortOf(server));
            Assert.True(transport.CanWriteEof);
            transport.Write(B("hello"));
            transport.WriteEof();
            Assert.Null(await client.Lost);
            while (serverPeer is null)
                await loop.Sleep(0.001);
            Assert.Null(await serverPeer.Lost);
            server.Close();
            await server.WaitClosedAsync();
            return client.Received;
        });
        Assert.Equal("got 5 bytes\n".Length, received);
        Assert.Equal(["made", "data", "eof", "lost null"], clientLog);
        Assert.Equal(["made", "data", "eof", "lost null"], serverLog);
        AssertLoopGoesOn(loop);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void PauseReading_PeerSendsWithoutEnd_NothingMoreArrivesAndThePeersBufferStaysAtItsHighWaterMark()
    {
        const int chunk = 16 * 1024;
        int socketsBefore = OpenSockets();
        var loop = NewRealLoop();
        var serverLog = new List<string>();
        var (atPause, later, peerBuffer, peerHigh, lost) = Run(loop, async () =>
        {
            Peer? serverPeer = null;
            // A peer that writes without end: it writes until pause_writing, and again at resume_writing.
            var server = await loop.CreateServerAsync(() =>
            {
                var peer = new Peer(loop, serverLog);
                void Flood()
                {
                    while (!peer.Transport!.IsClosing && peer.Transport.WriteBufferSize <= peer.Transport.GetWriteBufferLimits().High)
                        peer.Transport.Write(new byte[chunk]);
                }
                peer.OnResumeWriting = Flood;
                peer.OnConnectionMade = Flood;
                return serverPeer = peer;
            }, "127.0.0.1", 0);
            var (transport, client) = await loop.CreateConnectionAsync(() => new Peer(loop, []), "127.0.0.1", PortOf(server));
            while (client.Received < 256 * 1024)
                await loop.Sleep(0.001);
            transport.PauseReading();
            Assert.False(transport.IsReading);
            int atPause = client.Received;
            await loop.Sleep(0.05); // paused: no data_received meanwhile
            int later = client.Received;
            while (serverPeer is null)
                await loop.Sleep(0.001);
            await serverPeer.Paused; // the peer's kernel buffers fill up: its transport pauses the writer
            int peerBuffer = serverPeer.Transport!.WriteBufferSize;
            int peerHigh = serverPeer.Transport.GetWriteBufferLimits().High;
            transport.Abort();
            var lost = await serverPeer.Lost;
            server.Close();
            await server.WaitClosedAsync();
            return (atPause, later, peerBuffer, peerHigh, lost);
        });
        Assert.Equal(atPause, later);
        Assert.InRange(peerBuffer, 1, peerHigh + chunk);
        Assert.Equal("made", serverLog[0]);
        Assert.Equal("pause_writing", serverLog[1]);
        // The client's abort reaches the peer as a reset, or as an EOF when it was not reading.
        Assert.StartsWith("lost ", serverLog[^1]);
        Assert.True(lost is null or SocketException);
        AssertLoopGoesOn(loop);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void CreateConnection_PortNotListening_ThrowsConnectionRefusedAndMakesNoProtocol()
    {
        int socketsBefore = OpenSockets();
        var loop = NewRealLoop();
        int made = 0;
        var error = Run(loop, async () =>
        {
            using var closed = BoundNotListening();
            return await Raises<SocketException>(() => loop.CreateConnectionAsync(() => { made++; return new Peer(loop, []); }, "127.0.0.1", ((IPEndPoint)closed.LocalEndPoint!).Port));
        });
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        Assert.Equal(0, made);
        AssertLoopGoesOn(loop);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [ResolverAnswersFact]
    public void CreateConnection_NameDoesNotResolve_ThrowsHostNotFoundAndMakesNoProtocol()
    {
        int socketsBefore = OpenSockets();
        var loop = NewRealLoop();
        int made = 0;
        var error = Run(loop, () => Raises<SocketException>(() => loop.CreateConnectionAsync(() => { made++; return new Peer(loop, []); }, ResolverAnswersFactAttribute.Name, 80)), seconds: 30);
        Assert.Equal(SocketError.HostNotFound, error.SocketErrorCode);
        Assert.Equal(0, made);
        AssertLoopGoesOn(loop);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }
}
