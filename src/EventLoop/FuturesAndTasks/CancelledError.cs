namespace Asyncio;

/// <summary>The operation was cancelled: asyncio's <c>CancelledError</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.CancelledError</c> (a <c>BaseException</c> since 3.8).</para>
/// <para>Thrown at the <c>await</c> of a cancelled Future or task, and inside a task whose
/// <see cref="LoopTask.Cancel"/> was requested. A task whose method ends with any
/// <see cref="OperationCanceledException"/> is cancelled, not failed.</para>
/// <para>Differs from asyncio: it derives from <see cref="OperationCanceledException"/>, so a
/// <c>catch (Exception)</c> catches it, where Python's <c>except Exception</c> does not. Rethrow
/// it, or catch <see cref="OperationCanceledException"/> first.</para>
/// </remarks>
public class CancelledError : OperationCanceledException
{
    /// <summary>Creates the error with the message given to <c>Cancel(msg)</c>, if any.</summary>
    /// <param name="cancelMessage">asyncio's <c>msg</c>; <see langword="null"/> for none.</param>
    public CancelledError(string? cancelMessage = null)
        : base(cancelMessage ?? "The operation was cancelled.")
    {
        CancelMessage = cancelMessage;
    }

    /// <summary>Creates the error with a message and an inner exception.</summary>
    public CancelledError(string? cancelMessage, Exception? innerException)
        : base(cancelMessage ?? "The operation was cancelled.", innerException)
    {
        CancelMessage = cancelMessage;
    }

    /// <summary>The message given to <c>Cancel(msg)</c>, or <see langword="null"/>: Python's <c>exc.args[0]</c>.</summary>
    public string? CancelMessage { get; }
}
