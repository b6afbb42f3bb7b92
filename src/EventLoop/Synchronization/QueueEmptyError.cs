namespace Asyncio;

/// <summary><c>GetNowait</c> found the queue empty: asyncio's <c>QueueEmpty</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.QueueEmpty</c>.</para>
/// <para>Differs from asyncio: the message is "The queue is empty." where Python's is empty.</para>
/// </remarks>
public class QueueEmptyError : Exception
{
    /// <summary>Creates the error.</summary>
    public QueueEmptyError() : base("The queue is empty.")
    {
    }

    /// <summary>Creates the error with a message.</summary>
    public QueueEmptyError(string message) : base(message)
    {
    }
}
