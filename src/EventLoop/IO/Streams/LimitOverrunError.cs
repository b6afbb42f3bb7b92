namespace Asyncio;

/// <summary>The separator was not found within the reader's limit: asyncio's <c>LimitOverrunError</c>.</summary>
/// <remarks>asyncio: <c>asyncio.LimitOverrunError</c>. Thrown by <see cref="LoopStreamReader.ReadUntilAsync(byte[], CancellationToken)"/>; the bytes stay in the buffer.</remarks>
public class LimitOverrunError : Exception
{
    /// <summary>Creates the error with asyncio's message and the number of bytes to consume.</summary>
    public LimitOverrunError(string message, int consumed) : base(message) => Consumed = consumed;

    /// <summary>How many bytes of the buffer were searched: asyncio's <c>consumed</c>.</summary>
    public int Consumed { get; }
}
