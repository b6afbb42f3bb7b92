using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Asyncio.Tests.IO.Sockets;

/// <summary>asyncio's <c>loop.sock_*</c> over loopback on a real-time loop, each run bounded in time.</summary>
public class SocketOperationsTests : LoopTest
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void SockConnectAcceptSendAllRecv_RoundTrip()
    {
        var loop = NewRealLoop();
        var (text, peerMatches) = Run(loop, async () =>
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var accepting = loop.SockAcceptAsync(listener);
            await loop.SockConnectAsync(client, listener.LocalEndPoint!);
            var (accepted, address) = await accepting;
            using (accepted)
            {
                await loop.SockSendAllAsync(client, B("hello, sockets"));
                client.Shutdown(SocketShutdown.Send);
                var received = new StringBuilder();
                while (true)
                {
                    var chunk = await loop.SockRecvAsync(accepted, 4);
                    if (chunk.Length == 0)
                        break;
                    Assert.True(chunk.Length <= 4);
                    received.Append(Encoding.ASCII.GetString(chunk));
                }
                return (received.ToString(), address!.Equals(client.LocalEndPoint));
            }
        });
        Assert.Equal("hello, sockets", text);
        Assert.True(peerMatches);
    }

    [Fact]
    public void SockRecvInto_CancelledByToken_ThrowsAndTakesNothing()
    {
        var loop = NewRealLoop();
        var (cancelled, after) = Run(loop, async () =>
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var accepting = loop.SockAcceptAsync(listener);
            await loop.SockConnectAsync(client, listener.LocalEndPoint!);
            var (accepted, _) = await accepting;
            using (accepted)
            {
                using var cts = new CancellationTokenSource();
                var buffer = new byte[16];
                var receiving = loop.SockRecvIntoAsync(accepted, buffer, cts.Token);
                loop.CallSoon(cts.Cancel);
                bool cancelled = false;
                try
                {
                    await receiving;
                }
                catch (OperationCanceledException)
                {
                    cancelled = true;
                }
                await loop.SockSendAllAsync(client, B("later"));
                int n = await loop.SockRecvIntoAsync(accepted, buffer);
                return (cancelled, Encoding.ASCII.GetString(buffer, 0, n));
            }
        });
        Assert.True(cancelled);
        Assert.Equal("later", after);
    }

    [Fact]
    public void SockSendToRecvFrom_Datagram_RoundTripAndTruncates()
    {
        var loop = NewRealLoop();
        var (data, fromMatches) = Run(loop, async () =>
        {
            using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            using var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            b.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int sent = await loop.SockSendToAsync(a, B("datagram!"), b.LocalEndPoint!);
            Assert.Equal(9, sent);
            var (data, from) = await loop.SockRecvFromAsync(b, 4); // Python's recvfrom(4) truncates
            return (Encoding.ASCII.GetString(data), from.Equals(a.LocalEndPoint));
        });
        Assert.Equal("data", data);
        Assert.True(fromMatches);
    }

    [Fact]
    public void GetAddrInfo_IpLiteral_OneEntryPerSocketTypeAsCPythonOnLinux()
    {
        var loop = NewRealLoop();
        var infos = Run(loop, () => loop.GetAddrInfoAsync("127.0.0.1", 80));
        var endPoint = new IPEndPoint(IPAddress.Loopback, 80);
        Assert.Equal(
            [
                new AddressInfo(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp, "", endPoint),
                new AddressInfo(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp, "", endPoint),
                new AddressInfo(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.IP, "", endPoint),
            ],
            infos);
        var streams = Run(loop, () => loop.GetAddrInfoAsync("127.0.0.1", 80, type: SocketType.Stream));
        Assert.Equal([new AddressInfo(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp, "", endPoint)], streams);
    }

    [Fact]
    public void GetNameInfo_Loopback_NamesTheHostAndGivesTheNumericService()
    {
        var loop = NewRealLoop();
        var (host, service) = Run(loop, () => loop.GetNameInfoAsync(new IPEndPoint(IPAddress.Loopback, 80)));
        Assert.False(string.IsNullOrEmpty(host));
        Assert.Equal("80", service);
    }

    [Fact]
    public void ArgumentChecks_ThrowBeforeTheSocketIsTouched()
    {
        var loop = NewRealLoop();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.Throws<ArgumentNullException>(() => { _ = loop.SockRecvAsync(null!, 1); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.SockRecvAsync(socket, 0); });
        Assert.Throws<ArgumentNullException>(() => { _ = loop.SockConnectAsync(socket, null!); });
        loop.Close();
        var closed = Assert.Throws<InvalidOperationException>(() => { _ = loop.SockSendAllAsync(socket, B("x")); });
        Assert.Equal("Event loop is closed", closed.Message);
        Assert.False(socket.Connected);
    }
}
