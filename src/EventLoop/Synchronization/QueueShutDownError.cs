namespace Asyncio;

/// <summary>A put or get on a queue that was shut down: asyncio's <c>QueueShutDown</c> (3.13).</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.QueueShutDown</c>.</para>
/// <para>Differs from asyncio: the message is "The queue is shut down." where Python's is empty.</para>
/// </remarks>
public class QueueShutDownError : Exception
{
    /// <summary>Creates the error.</summary>
    public QueueShutDownError() : base("The queue is shut down.")
    {
    }

    /// <summary>Creates the error with a message.</summary>
    public QueueShutDownError(string message) : base(message)
    {
    }
}
