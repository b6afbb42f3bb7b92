using System.Diagnostics.CodeAnalysis;

namespace Asyncio.Internal;

/// <summary>Throws on behalf of hot paths, so that their bodies stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void Closed() => throw new InvalidOperationException("Event loop is closed");

    [DoesNotReturn]
    public static void WrongThread(string operation) => throw new InvalidOperationException(
        $"Non-thread-safe operation invoked on an event loop other than the current one: {operation} was called " +
        "from another thread while the loop runs; use CallSoonThreadsafe or RunCoroutineThreadsafe.");

    [DoesNotReturn]
    public static void NaN(string paramName) => throw NaNError(paramName);

    public static ArgumentOutOfRangeException NaNError(string paramName) =>
        new(paramName, "The delay or deadline is NaN; give a number of seconds.");

    [DoesNotReturn]
    public static void ArgumentNull(string paramName) => throw new ArgumentNullException(paramName);

    /// <summary>asyncio's "The future belongs to a different loop than the one specified as the loop argument" (ensure_future, gather, shield, wait, as_completed, run_until_complete).</summary>
    public static ArgumentException OtherLoopError(string paramName) =>
        new("The future belongs to a different loop than the one specified as the loop argument", paramName);

    [DoesNotReturn]
    public static void OtherLoop(string paramName) => throw OtherLoopError(paramName);

    /// <summary>A null element in a list of futures or awaitables, the same message for every combinator.</summary>
    [DoesNotReturn]
    public static void NullElement(string paramName) => throw new ArgumentNullException(paramName, "A future in the list is null.");

    [DoesNotReturn]
    public static void InvalidState(string message) => throw new InvalidStateError(message);

    /// <summary>asyncio's <c>TimeoutError</c> from <c>wait_for</c>, <c>timeout()</c> and <c>as_completed</c>: no message (<c>str(e) == ''</c>), raised from the cancellation it replaces.</summary>
    public static TimeoutException TimeoutError(Exception? cause = null) => new(string.Empty, cause);
}
