namespace Asyncio;

/// <summary>A loop on virtual time found nothing left that could ever make progress.</summary>
/// <remarks>
/// <para>asyncio: no twin; asyncio would block forever in <c>select()</c>.</para>
/// <para>Thrown out of <c>RunForever</c>/<c>RunUntilComplete</c> when, under virtual time, nothing
/// is ready, no timer is pending, nothing arrived from other threads and no task awaits work
/// outside the loop. The message lists each pending task and what it awaits.</para>
/// </remarks>
public class DeadlockError : InvalidOperationException
{
    /// <summary>Creates the error with its report.</summary>
    public DeadlockError(string message) : base(message)
    {
    }
}
