namespace Asyncio;

/// <summary><c>PutNowait</c> found the queue full: asyncio's <c>QueueFull</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.QueueFull</c>.</para>
/// <para>Differs from asyncio: the message is "The queue is full." where Python's is empty.</para>
/// </remarks>
public class QueueFullError : Exception
{
    /// <summary>Creates the error.</summary>
    public QueueFullError() : base("The queue is full.")
    {
    }

    /// <summary>Creates the error with a message.</summary>
    public QueueFullError(string message) : base(message)
    {
    }
}
