using System.Net;
using System.Net.Sockets;
using System.Text;
using Asyncio.Tests.Reliability.Boundary;

namespace Asyncio.Tests.IO.Sockets;

/// <summary>On virtual time, the loop waits for socket operations in flight instead of reporting a deadlock, and the clock does not move for them.</summary>
public class SocketOperationsVirtualTimeTests : LoopTest
{
    [Fact]
    public void SockOperations_OnVirtualTime_CompleteWithoutDeadlockAtTimeZero()
    {
        var loop = NewLoop();
        var (text, time) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var accepting = l.SockAcceptAsync(listener);
            await l.SockConnectAsync(client, listener.LocalEndPoint!);
            var (accepted, _) = await accepting;
            using (accepted)
            {
                // The receive is in flight before anything is sent: a wait on the network, not a deadlock.
                var receiving = l.SockRecvAsync(accepted, 100);
                await l.SockSendAllAsync(client, Encoding.ASCII.GetBytes("virtual"));
                var data = await receiving;
                return (Encoding.ASCII.GetString(data), l.Time());
            }
        }), seconds: 20);
        Assert.Equal("virtual", text);
        Assert.Equal(0.0, time);
    }

    [Fact]
    public void ProtocolEcho_OnVirtualTime_TimerDuringTheExchangeDoesNotJumpAheadOfTheData()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var time = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var server = await l.CreateServerAsync(() => new Echo(), "127.0.0.1", 0);
            var received = l.CreateFuture<bool>();
            var (transport, _) = await l.CreateConnectionAsync(() => new Receiver(log, received), "127.0.0.1", ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port);
            l.CallLater(60, () => log.Add("timer"));
            transport.Write("ping"u8);
            await received;
            transport.Close();
            server.Close();
            await server.WaitClosedAsync();
            return l.Time();
        }), seconds: 20);
        // The echo comes back before the clock jumps to the 60 s timer, as it would in real time.
        Assert.Equal(["data ping"], log);
        Assert.Equal(0.0, time);
    }

    private sealed class Echo : Protocol
    {
        private Transport? _transport;

        public override void ConnectionMade(Transport transport) => _transport = transport;

        public override void DataReceived(ReadOnlySpan<byte> data) => _transport!.Write(data);
    }

    private sealed class Receiver(List<string> log, Future<bool> received) : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            log.Add("data " + Encoding.ASCII.GetString(data));
            if (!received.Done)
                received.SetResult(true);
        }
    }
}
