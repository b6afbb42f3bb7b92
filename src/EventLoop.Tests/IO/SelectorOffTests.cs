using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Asyncio.Tests.IO;

/// <summary>
/// <see cref="EventLoopOptions.UseSelector"/> off: the loop makes no selector and its sockets run
/// on .NET's socket engine, as on Windows and macOS, over real loopback, each run bounded in time.
/// </summary>
/// <remarks>
/// The echoes move more bytes than a socket buffer holds, so that the read and send pumps of
/// the fallback wait (and the writers pause) many times over. CI runs the rest of the I/O tests
/// on this path too, with <see cref="EventLoopOptions.SelectorVariable"/> set to <c>0</c>.
/// </remarks>
public sealed class SelectorOffTests : LoopTest
{
    // Bigger than loopback's socket buffers, so that no single send or receive moves it all.
    private const int Size = 4 * 1024 * 1024;

    private static byte[] Payload()
    {
        var data = new byte[Size];
        for (int i = 0; i < data.Length; i++)
            data[i] = (byte)(i * 31 + (i >> 12));
        return data;
    }

    private EventLoop NewLoopWithoutSelector(bool virtualTime = false) =>
        Track(new EventLoop(new EventLoopOptions { VirtualTime = virtualTime, UseSelector = false }));

    [Fact]
    public void AddReader_SelectorOff_ThrowsPlatformNotSupportedAndWatchesNothing()
    {
        var loop = NewLoopWithoutSelector(virtualTime: true);
        var (a, b) = SocketPair.Create();
        using (a)
        using (b)
        {
            var read = Assert.Throws<PlatformNotSupportedException>(() => loop.AddReader(a.SafeHandle, () => { }));
            Assert.Equal("AddReader() needs a readiness selector (Linux epoll, EventLoopOptions.UseSelector); on this loop use the socket, stream and protocol APIs", read.Message);
            var write = Assert.Throws<PlatformNotSupportedException>(() => loop.AddWriter((int)a.Handle, () => { }));
            Assert.Equal("AddWriter() needs a readiness selector (Linux epoll, EventLoopOptions.UseSelector); on this loop use the socket, stream and protocol APIs", write.Message);
            Assert.False(loop.RemoveReader(a.SafeHandle));
            Assert.False(loop.RemoveWriter((int)a.Handle));
            Assert.Null(loop.Selector);
        }
    }

    [Fact]
    public void Selector_OptionOn_IsMadeWhereEpollExists()
    {
        // The other side of the switch, so that the assertions of "no selector" below can fail.
        var loop = Track(new EventLoop(new EventLoopOptions { VirtualTime = true, UseSelector = true }));
        Assert.Equal(OperatingSystem.IsLinux(), loop.Selector is not null);
    }

    /// <summary>Echoes what it receives; closes at EOF once the echo is out (asyncio's <c>eof_received</c> returning false).</summary>
    private sealed class EchoProtocol : Protocol
    {
        private Transport? _transport;

        public override void ConnectionMade(Transport transport) => _transport = transport;

        public override void DataReceived(ReadOnlySpan<byte> data) => _transport!.Write(data);
    }

    /// <summary>Sends the payload with flow control (pause_writing / resume_writing), then EOF; collects what comes back.</summary>
    private sealed class SendingProtocol(byte[] payload, Future<byte[]> echoed) : Protocol
    {
        private readonly MemoryStream _received = new();
        private Transport? _transport;
        private int _offset;
        private bool _paused;
        public int Pauses;

        public override void ConnectionMade(Transport transport)
        {
            _transport = transport;
            SendMore();
        }

        private void SendMore()
        {
            while (!_paused && _offset < payload.Length)
            {
                int n = Math.Min(64 * 1024, payload.Length - _offset);
                _transport!.Write(payload.AsSpan(_offset, n));
                _offset += n;
            }
            if (_offset == payload.Length && !_paused)
            {
                _offset++; // EOF once
                _transport!.WriteEof();
            }
        }

        public override void PauseWriting()
        {
            _paused = true;
            Pauses++;
        }

        public override void ResumeWriting()
        {
            _paused = false;
            SendMore();
        }

        public override void DataReceived(ReadOnlySpan<byte> data) => _received.Write(data);

        public override bool EofReceived()
        {
            echoed.SetResult(_received.ToArray());
            return false;
        }
    }

    [Fact]
    public void ProtocolEcho_SelectorOff_RoundTripsEveryByte()
    {
        var loop = NewLoopWithoutSelector();
        var payload = Payload();
        var (echoed, pauses) = Run(loop, async () =>
        {
            var server = await loop.CreateServerAsync(() => new EchoProtocol(), "127.0.0.1", 0);
            int port = ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;
            var echoed = loop.CreateFuture<byte[]>();
            var (transport, protocol) = await loop.CreateConnectionAsync(() => new SendingProtocol(payload, echoed), "127.0.0.1", port);
            var bytes = await echoed;
            server.Close();
            await server.WaitClosedAsync();
            await loop.Sleep(0); // the client's connection_lost, scheduled by its close at EOF
            return (bytes, protocol.Pauses);
        }, seconds: 30);
        Assert.Equal(payload.Length, echoed.Length);
        Assert.True(payload.AsSpan().SequenceEqual(echoed), "the echo differs from what was sent");
        Assert.True(pauses > 0, "the writer never paused: the payload did not fill the buffer");
        Assert.Null(loop.Selector);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void StreamEcho_SelectorOff_RoundTripsEveryByte()
    {
        var loop = NewLoopWithoutSelector();
        var payload = Payload();
        var echoed = Run(loop, async () =>
        {
            var server = await loop.StartServerAsync(async (reader, writer) =>
            {
                while (true)
                {
                    var chunk = await reader.ReadAsync(64 * 1024);
                    if (chunk.Length == 0)
                        break;
                    writer.Write(chunk);
                    await writer.DrainAsync();
                }
                writer.Close();
                await writer.WaitClosedAsync();
            }, "127.0.0.1", 0);
            int port = ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;
            var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", port);
            // Read while writing: the server echoes as it goes, and neither side's buffers hold it all.
            var reading = loop.CreateTask(() => reader.ReadAsync());
            writer.Write(payload);
            await writer.DrainAsync();
            writer.WriteEof();
            var bytes = await reading;
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return bytes;
        }, seconds: 30);
        Assert.Equal(payload.Length, echoed.Length);
        Assert.True(payload.AsSpan().SequenceEqual(echoed), "the echo differs from what was sent");
        Assert.Null(loop.Selector);
        Assert.Equal(0, loop._openTransportCount);
    }

    /// <summary>The server echoes each datagram; the client puts each into <see cref="Received"/>.</summary>
    private sealed class DatagramEcho(bool server) : DatagramProtocol
    {
        private DatagramTransport? _transport;
        public readonly AsyncQueue<string> Received = new();

        public override void ConnectionMade(DatagramTransport transport) => _transport = transport;

        public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint address)
        {
            if (server)
                _transport!.SendTo(data, address);
            else
                Received.PutNowait(Encoding.ASCII.GetString(data));
        }
    }

    [Fact]
    public void UdpEcho_SelectorOff_EveryDatagramComesBack()
    {
        var loop = NewLoopWithoutSelector();
        var log = new List<string>();
        Run(loop, async () =>
        {
            var (server, _) = await loop.CreateDatagramEndpointAsync(() => new DatagramEcho(server: true), localAddress: new IPEndPoint(IPAddress.Loopback, 0));
            var (client, protocol) = await loop.CreateDatagramEndpointAsync(() => new DatagramEcho(server: false), remoteAddress: (IPEndPoint)server.GetExtraInfo("sockname")!);
            // One at a time, each echo awaited before the next send: no buffer can drop one.
            foreach (var word in new[] { "one", "two", "three" })
            {
                client.SendTo(Encoding.ASCII.GetBytes(word));
                log.Add(await protocol.Received.GetAsync());
            }
            client.Close();
            server.Close();
            await loop.Sleep(0); // both connection_lost callbacks
        });
        Assert.Equal(["one", "two", "three"], log);
        Assert.Null(loop.Selector);
        Assert.Equal(0, loop._openTransportCount);
    }
}
