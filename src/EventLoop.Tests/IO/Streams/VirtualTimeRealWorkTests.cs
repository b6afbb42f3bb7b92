using System.Net;
using System.Text;
using Asyncio.Tests.Reliability.Boundary;

namespace Asyncio.Tests.Streams;

/// <summary>
/// Under virtual time the clock does not jump while real work the loop waits on
/// is in flight (a loopback socket round trip, a thread-pool job), and still jumps when nothing
/// real is pending. Loopback only; each run on its own thread, bounded in real time.
/// </summary>
public class VirtualTimeRealWorkTests : LoopTest
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static int PortOf(Server server) => ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;

    private static Func<LoopStreamReader, LoopStreamWriter, Task> EchoAfter(EventLoop loop, double delay) => async (reader, writer) =>
    {
        while (true)
        {
            var line = await reader.ReadLineAsync();
            if (line.Length == 0)
                break;
            if (delay > 0)
                await loop.Sleep(delay);
            writer.Write(line);
            await writer.DrainAsync();
        }
        writer.Close();
        await writer.WaitClosedAsync();
    };

    [Fact]
    public void WaitFor_EchoOverLoopbackOnVirtualTime_GetsEveryEchoAndTheClockNeverJumps()
    {
        var loop = NewLoop();
        var (echoed, time) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var server = await l.StartServerAsync(EchoAfter(l, 0), "127.0.0.1", 0);
            var (reader, writer) = await l.OpenConnectionAsync("127.0.0.1", PortOf(server));
            var echoed = new List<string>();
            for (int i = 0; i < 50; i++)
            {
                writer.Write(B($"ping {i}\n"));
                await writer.DrainAsync();
                // Before the fix the clock jumped to the timeout while the echo was on its way.
                var line = await l.WaitFor(() => reader.ReadLineAsync(), 5.0);
                echoed.Add(Encoding.ASCII.GetString(line).TrimEnd('\n'));
            }
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return (echoed, l.Time());
        }));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"ping {i}"), echoed);
        Assert.Equal(0.0, time);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void WaitFor_PeerAnswersAfterAVirtualSleep_TimesOutAtExactlyTheVirtualDeadline()
    {
        var loop = NewLoop();
        var (timedOutAt, echoedAt) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var server = await l.StartServerAsync(EchoAfter(l, 10), "127.0.0.1", 0);
            var (reader, writer) = await l.OpenConnectionAsync("127.0.0.1", PortOf(server));
            writer.Write(B("slow\n"));
            await writer.DrainAsync();
            var read = l.CreateTask(() => reader.ReadLineAsync());
            double timedOutAt = double.NaN;
            try
            {
                await l.WaitFor(l.Shield(read), 5.0);
            }
            catch (TimeoutException)
            {
                timedOutAt = l.Time(); // nothing real in flight: the clock jumped
            }
            await read;
            double echoedAt = l.Time();
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return (timedOutAt, echoedAt);
        }));
        Assert.Equal(5.0, timedOutAt);
        Assert.Equal(10.0, echoedAt);
    }

    [Fact]
    public void WaitFor_ThreadPoolJobOnVirtualTime_FinishesBeforeAVirtualTimeoutItOutlastsInVirtualTime()
    {
        var loop = NewLoop();
        var (result, time) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            // 50 ms of real work against a 1 s (virtual) timeout: the clock waits for the job.
            var result = await l.WaitFor(l.ToThread(() =>
            {
                Thread.Sleep(50);
                return 7;
            }), 1.0);
            return (result, l.Time());
        }));
        Assert.Equal(7, result);
        Assert.Equal(0.0, time);
    }

    [Fact]
    public void Sleep_NothingRealPending_StillJumpsAtOnce()
    {
        var loop = NewLoop();
        var started = System.Diagnostics.Stopwatch.StartNew();
        loop.RunUntilComplete(async () => await loop.Sleep(3600));
        Assert.Equal(3600.0, loop.Time());
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5));
    }
}
