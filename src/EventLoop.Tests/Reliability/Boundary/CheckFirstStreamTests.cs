using System.Net;
using System.Net.Sockets;

namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>Probes of "a bad argument checked after the side effect": each refusal comes before any socket, child process or server exists.</summary>
public class CheckFirstStreamTests : LoopTest
{
    [Fact]
    public void OpenConnectionAsync_LimitZero_ThrowsAtTheCallBeforeConnecting()
    {
        var loop = NewRealLoop();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.OpenConnectionAsync("127.0.0.1", port, limit: 0); });
            Assert.Null(error.ParamName);
            Assert.Equal("Limit cannot be <= 0", error.Message);
            Run(loop, async () => await loop.Sleep(0.05)); // time for a connection that must not come
            Assert.False(listener.Pending());
            Assert.Equal(0, loop._openTransportCount);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public void StartServerAsync_LimitZero_ThrowsAtTheCallAndListensNowhere()
    {
        var loop = NewRealLoop();
        Task<(LoopStreamReader, LoopStreamWriter)> Handler(LoopStreamReader r, LoopStreamWriter w) => throw new InvalidOperationException("never called");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.StartServerAsync((r, w) => Handler(r, w), "127.0.0.1", 0, limit: 0); });
        Assert.Null(error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.StartUnixServerAsync((r, w) => Handler(r, w), Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")), limit: -1); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.OpenUnixConnectionAsync("/nonexistent", limit: 0); });
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void CreateSubprocessExecAsync_LimitZero_ThrowsAtTheCallBeforeTheChildStarts()
    {
        var loop = NewRealLoop();
        string marker = Path.Combine(Path.GetTempPath(), "eventloop-checkfirst-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => { _ = loop.CreateSubprocessExecAsync("touch", [marker], limit: 0); });
        Assert.Null(error.ParamName);
        Assert.Throws<ArgumentException>(() => { _ = loop.CreateSubprocessExecAsync("touch", [marker, null!]); });
        Run(loop, async () => await loop.Sleep(0.3)); // time for a child that must not have started
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void SetWriteBufferLimits_HugeLow_ThrowsInsteadOfOverflowingAndKeepsTheMarks()
    {
        var loop = NewRealLoop();
        Run(loop, async () =>
        {
            var server = await loop.StartServerAsync(async (r, w) => { await r.ReadAsync(); w.Close(); }, "127.0.0.1", 0);
            int port = ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;
            var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", port);
            var before = writer.GetWriteBufferLimits();

            var error = Assert.Throws<ArgumentException>(() => writer.SetWriteBufferLimits(low: 1 << 30));
            Assert.Contains("4294967296", error.Message);
            Assert.Equal(before, writer.GetWriteBufferLimits());
            writer.SetWriteBufferLimits(high: int.MaxValue, low: 1 << 30);
            Assert.Equal((1 << 30, int.MaxValue), writer.GetWriteBufferLimits());

            // A null buffer anywhere in WriteLines queues none of them.
            Assert.Throws<ArgumentException>(() => writer.WriteLines([[1, 2], null!]));
            Assert.Equal(0, writer.WriteBufferSize);

            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
        });
        Assert.Equal(0, loop._openTransportCount);
    }
}
