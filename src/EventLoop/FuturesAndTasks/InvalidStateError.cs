namespace Asyncio;

/// <summary>A Future was used in a state that does not allow it: asyncio's <c>InvalidStateError</c>.</summary>
/// <remarks>
/// <para>Thrown by a second <c>SetResult</c>/<c>SetException</c>, and by <c>Result()</c> or
/// <c>Exception()</c> on a pending Future, with CPython's messages ("Result is not set.", "invalid state").</para>
/// </remarks>
public class InvalidStateError : InvalidOperationException
{
    /// <summary>Creates the error with its message.</summary>
    public InvalidStateError(string message) : base(message)
    {
    }
}
