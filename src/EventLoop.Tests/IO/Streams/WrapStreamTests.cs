namespace Asyncio.Tests.Streams;

/// <summary><see cref="StreamEndpoints.WrapStream"/> over an in-memory duplex stream, and <c>await foreach</c> over a reader (asyncio's <c>async for line in reader</c>).</summary>
public class WrapStreamTests : LoopTest
{
    private static byte[] B(string s) => System.Text.Encoding.ASCII.GetBytes(s);

    private static string S(byte[] b) => System.Text.Encoding.ASCII.GetString(b);

    [Fact]
    public void WrapStream_LinesInAndBytesOut_ReadsEveryLineUntilEofAndWritesInOrder()
    {
        var loop = NewLoop();
        var stream = new DuplexTestStream();
        var (lines, written, info) = loop.RunUntilComplete(async () =>
        {
            var (reader, writer) = loop.WrapStream(stream);
            stream.Send("one\ntw");
            stream.Send("o\nlast");
            stream.SendEof();
            var lines = new List<string>();
            await foreach (var line in reader)
                lines.Add(S(line));
            writer.Write(B("a"));
            writer.Write(B("b"));
            await writer.DrainAsync();
            var written = await stream.ReceiveAsync() + await stream.ReceiveAsync();
            var info = writer.GetExtraInfo("stream");
            writer.Close();
            await writer.WaitClosedAsync();
            return (lines, written, info);
        });
        Assert.Equal(["one\n", "two\n", "last"], lines);
        Assert.Equal("ab", written);
        Assert.Same(stream, info);
        Assert.True(stream.Disposed);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void WrapStream_LeaveOpen_ClosingTheWriterKeepsTheStream()
    {
        var loop = NewLoop();
        var stream = new DuplexTestStream();
        loop.RunUntilComplete(async () =>
        {
            var (_, writer) = loop.WrapStream(stream, leaveOpen: true);
            writer.Close();
            await writer.WaitClosedAsync();
        });
        Assert.False(stream.Disposed);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void AwaitForeach_TokenFiresWhileWaiting_ThrowsAndLosesNoBufferedByte()
    {
        var loop = NewLoop();
        var stream = new DuplexTestStream();
        var (first, cancelledAt, next) = loop.RunUntilComplete(async () =>
        {
            var (reader, writer) = loop.WrapStream(stream);
            using var cts = new CancellationTokenSource();
            loop.CallLater(1.0, cts.Cancel);
            stream.Send("first\npartial");
            string? first = null;
            double cancelledAt = -1;
            try
            {
                await foreach (var line in reader.WithCancellation(cts.Token))
                    first ??= S(line);
            }
            catch (OperationCanceledException)
            {
                cancelledAt = loop.Time();
            }
            stream.Send(" line\n");
            var next = S(await reader.ReadLineAsync());
            writer.Abort();
            return (first, cancelledAt, next);
        });
        Assert.Equal("first\n", first);
        Assert.Equal(1.0, cancelledAt);
        Assert.Equal("partial line\n", next);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void WrapStream_BadArguments_ThrowBeforeAnyTransport()
    {
        var loop = NewLoop();
        Assert.Throws<ArgumentNullException>(() => loop.WrapStream(null!));
        var readOnly = Assert.Throws<ArgumentException>(() => loop.WrapStream(new MemoryStream([1, 2], writable: false)));
        Assert.Equal("stream", readOnly.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.WrapStream(new DuplexTestStream(), limit: 0));
        Assert.Equal(0, loop._openTransportCount);
        loop.Close();
        var closed = Assert.Throws<InvalidOperationException>(() => loop.WrapStream(new DuplexTestStream()));
        Assert.Equal("Event loop is closed", closed.Message);
        Assert.Equal(0, loop._openTransportCount);
    }

    [Fact]
    public void WriteEof_OnAWrappedStream_ThrowsNotSupportedAndKeepsTheConnection()
    {
        var loop = NewLoop();
        var stream = new DuplexTestStream();
        var (message, closing) = loop.RunUntilComplete(async () =>
        {
            var (_, writer) = loop.WrapStream(stream);
            Assert.False(writer.CanWriteEof);
            var error = Assert.Throws<NotSupportedException>(writer.WriteEof);
            var closing = writer.IsClosing;
            writer.Close();
            await writer.WaitClosedAsync();
            return (error.Message, closing);
        });
        Assert.Equal("The stream doesn't support half-closes", message);
        Assert.False(closing);
        Assert.Equal(0, loop._openTransportCount);
    }
}
