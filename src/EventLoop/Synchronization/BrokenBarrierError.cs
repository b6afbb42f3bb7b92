namespace Asyncio;

/// <summary>A barrier was aborted or reset while a task waited on it: asyncio's <c>BrokenBarrierError</c>.</summary>
/// <remarks>asyncio: <c>asyncio.BrokenBarrierError</c>, a <c>RuntimeError</c>; here an <see cref="InvalidOperationException"/>.</remarks>
public class BrokenBarrierError : InvalidOperationException
{
    /// <summary>Creates the error with asyncio's message ("Barrier aborted", "Abort or reset of barrier").</summary>
    public BrokenBarrierError(string message) : base(message)
    {
    }
}
