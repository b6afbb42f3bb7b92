using System.Diagnostics.CodeAnalysis;

namespace Asyncio.Internal;

/// <summary>
/// Every error the library raises with asyncio's text, each built here once, and the throws of hot
/// paths, so that their bodies stay small enough to inline. Messages are asyncio 3.12's exactly:
/// an <see cref="ArgumentException"/> carrying one is made without a parameter name and an
/// <see cref="ArgumentOutOfRangeException"/> without an actual value, because .NET appends both to
/// <see cref="Exception.Message"/>. Split by part: this file holds the loop's, futures' and
/// combinators' errors.
/// </summary>
internal static partial class ThrowHelper
{
    // asyncio base_events._check_closed.
    public const string ClosedMessage = "Event loop is closed";

    // asyncio base_events._check_thread.
    public const string WrongThreadMessage = "Non-thread-safe operation invoked on an event loop other than the current one";

    // CPython's RuntimeErrors for a coroutine resumed while it runs, and one resumed after it ended.
    public const string CoroutineRunningMessage = "coroutine is being awaited already";
    public const string CoroutineReusedMessage = "cannot reuse already awaited coroutine";

    [DoesNotReturn]
    public static void Closed() => throw ClosedError();

    public static InvalidOperationException ClosedError() => new(ClosedMessage);

    /// <summary>
    /// asyncio's wrong-thread <c>RuntimeError</c>. Its message is asyncio's alone; the inner exception
    /// names <paramref name="operation"/> and the way out, because the usual cause in .NET is not a
    /// thread of one's own but a loop task that resumed on the thread pool after
    /// <c>ConfigureAwait(false)</c>, which asyncio cannot do.
    /// </summary>
    [DoesNotReturn]
    public static void WrongThread(string operation) => throw new InvalidOperationException(WrongThreadMessage, new InvalidOperationException(
        $"{operation} was called from another thread while the loop runs: a thread of its own, or a loop task that resumed on the " +
        "thread pool after ConfigureAwait(false). Call the loop from its own thread (await without ConfigureAwait(false)), " +
        "or use CallSoonThreadsafe or RunCoroutineThreadsafe."));

    /// <summary>asyncio <c>loop.close()</c>'s <c>RuntimeError</c>, also <c>Runner.close()</c>'s.</summary>
    [DoesNotReturn]
    public static void CloseRunning() => throw new InvalidOperationException("Cannot close a running event loop");

    [DoesNotReturn]
    public static void NaN(string paramName) => throw NaNError(paramName);

    /// <summary>A NaN delay, timeout or deadline: asyncio takes it silently and never fires, we refuse it.</summary>
    public static ArgumentOutOfRangeException NaNError(string paramName) =>
        new(paramName, "The delay or deadline is NaN; give a number of seconds.");

    [DoesNotReturn]
    public static void ArgumentNull(string paramName) => throw new ArgumentNullException(paramName);

    /// <summary>asyncio's <c>ValueError</c> from ensure_future, gather, shield, wait, as_completed and run_until_complete.</summary>
    public static ArgumentException OtherLoopError() =>
        new("The future belongs to a different loop than the one specified as the loop argument");

    [DoesNotReturn]
    public static void OtherLoop() => throw OtherLoopError();

    /// <summary>A null element in a list of futures or awaitables, the same message for every combinator.</summary>
    [DoesNotReturn]
    public static void NullElement(string paramName) => throw new ArgumentNullException(paramName, "A future in the list is null.");

    [DoesNotReturn]
    public static void InvalidState(string message) => throw new InvalidStateError(message);

    /// <summary>asyncio's <c>TimeoutError</c> from <c>wait_for</c>, <c>timeout()</c> and <c>as_completed</c>: no message (<c>str(e) == ''</c>), raised from the cancellation it replaces.</summary>
    public static TimeoutException TimeoutError(Exception? cause = null) => new(string.Empty, cause);

    /// <summary>asyncio tasks.wait's <c>ValueError</c>.</summary>
    [DoesNotReturn]
    public static void EmptyWaitSet() => throw new ArgumentException("Set of Tasks/Futures is empty.");

    /// <summary>asyncio tasks.wait's <c>ValueError</c>.</summary>
    [DoesNotReturn]
    public static void InvalidReturnWhen(ReturnWhen returnWhen) => throw new ArgumentOutOfRangeException(null, $"Invalid return_when value: {returnWhen}");

    /// <summary>asyncio tasks.py's <c>RuntimeError</c>, thrown into the awaiting task.</summary>
    public static InvalidOperationException FutureOfOtherLoopError(object task, object future) =>
        new($"Task {task} got Future {future} attached to a different loop");

    /// <summary>asyncio mixins._LoopBoundMixin._get_loop's <c>RuntimeError</c>.</summary>
    public static InvalidOperationException BoundToOtherLoopError(object owner) => new($"{owner} is bound to a different event loop");

    /// <summary>No twin: asyncio's primitive would fail on <c>None.create_future()</c> outside a loop.</summary>
    public static InvalidOperationException NoRunningLoopForWaitError(object owner) =>
        new($"no running event loop: {owner} can only wait inside a running loop");
}
