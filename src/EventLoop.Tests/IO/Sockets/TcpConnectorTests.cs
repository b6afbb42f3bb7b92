using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Asyncio.Tests.Reliability.Boundary;

namespace Asyncio.Tests.IO.Sockets;

/// <summary>The address order and Happy Eyeballs of open_connection / create_connection: fake attempts on the virtual clock for exact orders and times, loopback for the real thing.</summary>
public class TcpConnectorTests : LoopTest
{
    private static IPAddress A(string text) => IPAddress.Parse(text);

    // cpython: base_events._interleave_addrinfos, as CPython 3.12 printed it for the same input.
    [Theory]
    [InlineData(1, "::1 127.0.0.1 ::2 127.0.0.2 ::3")]
    [InlineData(2, "::1 ::2 127.0.0.1 ::3 127.0.0.2")]
    [InlineData(-1, "::1 127.0.0.1 ::2 127.0.0.2 ::3")]
    public void Interleave_TwoFamilies_TakesFirstFamilyCountMinusOneThenAlternates(int count, string expected)
    {
        IPAddress[] addresses = [A("::1"), A("::2"), A("::3"), A("127.0.0.1"), A("127.0.0.2")];

        var reordered = TcpConnector.Interleave(addresses, count);

        Assert.Equal(expected, string.Join(' ', reordered.Select(a => a.ToString())));
    }

    /// <summary>A fake connect per address: after a delay of loop time it connects (true) or is refused (false); null: it waits until cancelled.</summary>
    private static TcpConnector.Attempt Fake(List<string> log, Dictionary<string, (double After, bool Connects)?> plan) =>
        async (loop, endPoint, token) =>
        {
            string name = endPoint.Address.ToString();
            string At() => loop.Time().ToString(CultureInfo.InvariantCulture);
            log.Add($"start {name} @{At()}");
            var outcome = loop.CreateFuture<bool>();
            using var registration = token.Register(() => outcome.Cancel());
            if (plan[name] is { } step)
                loop.CallLater(step.After, () => { if (!outcome.Done) outcome.SetResult(step.Connects); });
            bool connects;
            try
            {
                connects = await outcome;
            }
            catch (CancelledError)
            {
                log.Add($"cancelled {name} @{At()}");
                throw;
            }
            if (!connects)
            {
                log.Add($"refused {name} @{At()}");
                throw new SocketException((int)SocketError.ConnectionRefused);
            }
            log.Add($"connected {name} @{At()}");
            loop._openTransportCount++; // an attempt hands back a counted socket
            return new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        };

    // cpython: staggered.py::staggered_race: the next attempt starts at the delay after the
    // previous one started, or at once when the previous one fails; the winner cancels the rest.
    [Fact]
    public void Connect_HappyEyeballs_StartsOnDelayOrOnFailureAndCancelsLosers()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var plan = new Dictionary<string, (double, bool)?>
        {
            ["10.0.0.1"] = null,
            ["10.0.0.2"] = (0.1, false),
            ["10.0.0.3"] = (0.4, true),
            ["10.0.0.4"] = null,
            ["10.0.0.5"] = (0.0, true),
        };
        IPAddress[] addresses = [A("10.0.0.1"), A("10.0.0.2"), A("10.0.0.3"), A("10.0.0.4"), A("10.0.0.5")];

        var (socket, time) = loop.RunUntilComplete(async () =>
        {
            var socket = await TcpConnector.ConnectAsync(loop, addresses, 80, TimeSpan.FromSeconds(0.25), null, default, Fake(log, plan));
            return (socket, loop.Time());
        });

        Assert.Equal(
        [
            "start 10.0.0.1 @0",
            "start 10.0.0.2 @0.25",
            "refused 10.0.0.2 @0.35",
            "start 10.0.0.3 @0.35",
            "start 10.0.0.4 @0.6",
            "connected 10.0.0.3 @0.75",
            "cancelled 10.0.0.1 @0.75",
            "cancelled 10.0.0.4 @0.75",
        ], log);
        Assert.Equal(0.75, time);
        socket.Dispose();
        loop._openTransportCount--;
        Assert.Equal(0, loop._openTransportCount);
        Assert.Empty(TakeReports());
    }

    [Fact]
    public void Connect_WithoutDelay_TriesOneAfterTheOther()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var plan = new Dictionary<string, (double, bool)?> { ["10.0.0.1"] = (1.0, false), ["10.0.0.2"] = (2.0, true) };

        var socket = loop.RunUntilComplete(() => TcpConnector.ConnectAsync(loop, [A("10.0.0.1"), A("10.0.0.2")], 80, null, null, default, Fake(log, plan)));

        Assert.Equal(["start 10.0.0.1 @0", "refused 10.0.0.1 @1", "start 10.0.0.2 @1", "connected 10.0.0.2 @3"], log);
        socket.Dispose();
    }

    [Fact]
    public void Connect_HappyEyeballsAllRefused_ThrowsTheFirstAddressError()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var plan = new Dictionary<string, (double, bool)?> { ["10.0.0.1"] = (1.0, false), ["10.0.0.2"] = (0.5, false) };

        var error = loop.RunUntilComplete(() => Raises<SocketException>(() =>
            TcpConnector.ConnectAsync(loop, [A("10.0.0.1"), A("10.0.0.2")], 80, TimeSpan.FromSeconds(0.25), null, default, Fake(log, plan))));

        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        Assert.Equal(["start 10.0.0.1 @0", "start 10.0.0.2 @0.25", "refused 10.0.0.2 @0.75", "refused 10.0.0.1 @1"], log);
        Assert.Equal(1.0, loop.Time());
    }

    [Fact]
    public void Connect_HappyEyeballsCancelledByToken_EndsEveryAttempt()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var plan = new Dictionary<string, (double, bool)?> { ["10.0.0.1"] = null, ["10.0.0.2"] = null };
        using var cancelling = new CancellationTokenSource();
        loop.CallLater(0.3, cancelling.Cancel);

        loop.RunUntilComplete(() => Raises<OperationCanceledException>(() =>
            TcpConnector.ConnectAsync(loop, [A("10.0.0.1"), A("10.0.0.2")], 80, TimeSpan.FromSeconds(0.25), null, cancelling.Token, Fake(log, plan))));

        Assert.Equal(["start 10.0.0.1 @0", "start 10.0.0.2 @0.25", "cancelled 10.0.0.1 @0.3", "cancelled 10.0.0.2 @0.3"], log);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void Connect_HappyEyeballsTaskCancelled_ClosesEveryAttempt()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var plan = new Dictionary<string, (double, bool)?> { ["10.0.0.1"] = null, ["10.0.0.2"] = (1.0, true) };
        var task = loop.CreateTask(() => TcpConnector.ConnectAsync(loop, [A("10.0.0.1"), A("10.0.0.2")], 80, TimeSpan.FromSeconds(0.25), null, default, Fake(log, plan)));
        loop.CallLater(0.5, () => task.Cancel());

        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        loop.RunUntilComplete(() => loop.Sleep(0));

        Assert.Equal(["start 10.0.0.1 @0", "start 10.0.0.2 @0.25", "cancelled 10.0.0.1 @0.5", "cancelled 10.0.0.2 @0.5"], log);
        Assert.Equal(0, loop._openTransportCount);
    }

    private static int PortOf(Server server) => ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;

    // A port open on 127.0.0.1 and closed on 127.0.0.2: the refusal starts the next attempt at
    // once, long before the delay, and the virtual clock stays at zero while real connects run.
    [Fact]
    public void OpenConnection_HappyEyeballsFirstAddressRefused_ConnectsToTheSecondAtTimeZero()
    {
        var loop = NewLoop();
        var (peer, port, time) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var server = await l.StartServerAsync((_, writer) => { writer.Close(); return Task.CompletedTask; }, "127.0.0.1", 0);
            int port = PortOf(server);
            var (_, writer) = await StreamEndpoints.OpenConnectionToAsync(l, [A("127.0.0.2"), A("127.0.0.1")], port, TimeSpan.FromSeconds(30), null);
            var peer = (IPEndPoint)writer.GetExtraInfo("peername")!;
            var time = l.Time();
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return (peer, port, time);
        }));

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), peer);
        Assert.Equal(0.0, time);
        Assert.Equal(0, loop._openTransportCount);
    }

    private sealed class Quiet : Protocol
    {
        public override void ConnectionMade(Transport transport) { }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CreateConnection_FirstAddressRefused_ConnectsToTheSecond(bool happyEyeballs)
    {
        var loop = NewLoop();
        var (peer, port, time) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var server = await l.CreateServerAsync(() => new Quiet(), "127.0.0.1", 0);
            int port = PortOf(server);
            var (transport, _) = await ProtocolEndpoints.CreateConnectionToAsync(l, () => new Quiet(), [A("127.0.0.2"), A("127.0.0.1")], port, happyEyeballs ? TimeSpan.FromSeconds(30) : null, null);
            var peer = (IPEndPoint)transport.GetExtraInfo("peername")!;
            var time = l.Time();
            transport.Close();
            server.Close();
            await server.WaitClosedAsync();
            await l.Sleep(0);
            return (peer, port, time);
        }));

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), peer);
        Assert.Equal(0.0, time);
    }
}
