using System.Text;

namespace Asyncio.Tests.Streams;

/// <summary>The reader on its own, fed by hand on virtual time: asyncio's test_streams.py reader cases.</summary>
public class LoopStreamReaderTests : LoopTest
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static string S(byte[] b) => Encoding.ASCII.GetString(b);

    // cpython: test_streams.py::test_read_line_breaks (feed in pieces, read whole lines)
    [Fact]
    public void ReadLineAsync_DataFedInPieces_ReturnsWholeLines()
    {
        var loop = NewLoop();
        var lines = loop.RunUntilComplete(async () =>
        {
            var reader = new LoopStreamReader(loop: loop);
            loop.CallSoon(() => reader.FeedData(B("li")));
            loop.CallLater(1, () => reader.FeedData(B("ne1\nline2\nrest")));
            loop.CallLater(2, reader.FeedEof);
            var got = new List<string>();
            while (true)
            {
                var line = await reader.ReadLineAsync();
                if (line.Length == 0)
                    break;
                got.Add(S(line));
            }
            Assert.True(reader.AtEof);
            return got;
        });
        Assert.Equal(["line1\n", "line2\n", "rest"], lines);
        Assert.Equal(2.0, loop.Time());
    }

    [Fact]
    public void ReadAsync_ReturnsWhatIsBuffered_UpToN_ThenEmptyAtEof()
    {
        var loop = NewLoop();
        var reads = loop.RunUntilComplete(async () =>
        {
            var reader = new LoopStreamReader(loop: loop);
            reader.FeedData(B("abcdef"));
            var first = await reader.ReadAsync(4);
            var second = await reader.ReadAsync(4);
            reader.FeedEof();
            var third = await reader.ReadAsync(4);
            return new[] { S(first), S(second), S(third) };
        });
        Assert.Equal(["abcd", "ef", ""], reads);
    }

    // cpython: test_streams.py::test_readexactly_eof
    [Fact]
    public void ReadExactlyAsync_EofFirst_ThrowsIncompleteReadErrorWithPartial()
    {
        var loop = NewLoop();
        var error = loop.RunUntilComplete(async () =>
        {
            var reader = new LoopStreamReader(loop: loop);
            reader.FeedData(B("abc"));
            loop.CallSoon(reader.FeedEof);
            return await Assert.ThrowsAsync<IncompleteReadError>(() => reader.ReadExactlyAsync(5));
        });
        Assert.Equal("abc", S(error.Partial));
        Assert.Equal(5, error.Expected);
        Assert.Equal("3 bytes read on a total of 5 expected bytes", error.Message);
    }

    // cpython: test_streams.py::test_readuntil_limit_found_sep
    [Fact]
    public void ReadUntilAsync_ChunkOverLimit_ThrowsLimitOverrunAndKeepsTheBytes()
    {
        var loop = NewLoop();
        loop.RunUntilComplete(async () =>
        {
            var reader = new LoopStreamReader(limit: 3, loop: loop);
            reader.FeedData(B("some dataAA"));
            var error = await Assert.ThrowsAsync<LimitOverrunError>(() => reader.ReadUntilAsync(B("AAA")));
            Assert.Equal("Separator is not found, and chunk exceed the limit", error.Message);
            Assert.Equal(11, reader.BufferedCount);
            reader.FeedData(B("A"));
            var found = await Assert.ThrowsAsync<LimitOverrunError>(() => reader.ReadUntilAsync(B("AAA")));
            Assert.Equal("Separator is found, but chunk is longer than limit", found.Message);
            Assert.Equal(12, reader.BufferedCount);
        });
    }

    // cpython: test_streams.py::test_readline_limit (ValueError, the line is dropped)
    [Fact]
    public void ReadLineAsync_LineOverLimit_ThrowsArgumentExceptionAndDropsTheLine()
    {
        var loop = NewLoop();
        var next = loop.RunUntilComplete(async () =>
        {
            var reader = new LoopStreamReader(limit: 7, loop: loop);
            reader.FeedData(B("1234567890\nok\n"));
            await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadLineAsync());
            return S(await reader.ReadLineAsync());
        });
        Assert.Equal("ok\n", next);
    }

    [Fact]
    public void ReadUntilAsync_EofWithoutSeparator_ThrowsIncompleteReadErrorWithoutExpected()
    {
        var loop = NewLoop();
        var error = loop.RunUntilComplete(async () =>
        {
            var reader = new LoopStreamReader(loop: loop);
            reader.FeedData(B("no newline"));
            reader.FeedEof();
            return await Assert.ThrowsAsync<IncompleteReadError>(() => reader.ReadUntilAsync());
        });
        Assert.Null(error.Expected);
        Assert.Equal("no newline", S(error.Partial));
    }

    [Fact]
    public void ReadAsync_SecondConcurrentReader_ThrowsInvalidOperation()
    {
        var loop = NewLoop();
        var message = loop.RunUntilComplete(async () =>
        {
            var reader = new LoopStreamReader(loop: loop);
            var first = loop.CreateTask(() => reader.ReadAsync(10));
            await loop.Sleep(0);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => reader.ReadLineAsync());
            reader.FeedEof();
            await first;
            return error.Message;
        });
        Assert.Equal("readuntil() called while another coroutine is already waiting for incoming data", message);
    }

    [Fact]
    public void SetException_WakesTheWaitingReadWithIt()
    {
        var loop = NewLoop();
        var error = loop.RunUntilComplete(async () =>
        {
            var reader = new LoopStreamReader(loop: loop);
            loop.CallLater(1, () => reader.SetException(new IOException("boom")));
            return await Assert.ThrowsAsync<IOException>(() => reader.ReadAsync(1));
        });
        Assert.Equal("boom", error.Message);
    }

    [Fact]
    public void Cancel_TaskBlockedInRead_ThrowsCancelledAndKeepsLaterData()
    {
        var loop = NewLoop();
        var after = loop.RunUntilComplete(async () =>
        {
            var reader = new LoopStreamReader(loop: loop);
            var blocked = loop.CreateTask(() => reader.ReadExactlyAsync(4));
            loop.CallLater(1, () => blocked.Cancel());
            await Assert.ThrowsAsync<CancelledError>(async () => await blocked);
            reader.FeedData(B("data"));
            return S(await reader.ReadExactlyAsync(4));
        });
        Assert.Equal("data", after);
    }

    [Fact]
    public void Constructor_LimitNotPositive_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoopStreamReader(0));
    }
}
