namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>For the reader: a read ended by its CancellationToken loses no byte and frees the reader for the next read.</summary>
public class StreamTokenTests : LoopTest
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadAsync_TokenFires_ThrowsAtTheAwaitAndTheNextReadGetsEveryByte(bool foreignThread)
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            var reader = new LoopStreamReader(16, loop);
            using var cts = new CancellationTokenSource();
            loop.CallLater(1, () =>
            {
                if (foreignThread)
                    Assert.Null(ForeignThread.Call(cts.Cancel));
                else
                    cts.Cancel();
            });
            try
            {
                await reader.ReadExactlyAsync(4, cts.Token);
            }
            catch (OperationCanceledException)
            {
                log.Add("cancelled at " + loop.Time());
            }
            reader.FeedData("abcd"u8);
            log.Add(System.Text.Encoding.ASCII.GetString(await reader.ReadExactlyAsync(4)));
            // The token fired already: a read that does not wait still succeeds, one that would wait refuses at once.
            reader.FeedData("ef"u8);
            log.Add(System.Text.Encoding.ASCII.GetString(await reader.ReadAsync(2, cts.Token)));
            await Raises<OperationCanceledException>(async () => await reader.ReadAsync(2, cts.Token));
            Assert.Equal(0, reader.BufferedCount);
        });
        Assert.Equal(["cancelled at 1", "abcd", "ef"], log);
    }
}
