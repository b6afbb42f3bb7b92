using System.Diagnostics.CodeAnalysis;

namespace Asyncio.Internal;

// Structured concurrency's errors: asyncio taskgroups.py and timeouts.py.
internal static partial class ThrowHelper
{
    [DoesNotReturn]
    public static void TaskGroupNotEntered(object group) => throw new InvalidOperationException($"TaskGroup {group} has not been entered");

    [DoesNotReturn]
    public static void TaskGroupFinished(object group) => throw new InvalidOperationException($"TaskGroup {group} is finished");

    [DoesNotReturn]
    public static void TaskGroupShuttingDown(object group) => throw new InvalidOperationException($"TaskGroup {group} is shutting down");

    [DoesNotReturn]
    public static void TaskGroupAlreadyEntered(object group) => throw new InvalidOperationException($"TaskGroup {group} has already been entered");

    public static InvalidOperationException TaskGroupNoParentTaskError(object group) => new($"TaskGroup {group} cannot determine the parent task");

    [DoesNotReturn]
    public static void TimeoutNotEntered() => throw new InvalidOperationException("Timeout has not been entered");

    /// <summary>asyncio's <c>RuntimeError</c>; <paramref name="state"/> is the value of its <c>_State</c> ("expiring", "expired", "finished").</summary>
    [DoesNotReturn]
    public static void TimeoutStateFinal(string state) => throw new InvalidOperationException($"Cannot change state of {state} Timeout");

    [DoesNotReturn]
    public static void TimeoutAlreadyEntered() => throw new InvalidOperationException("Timeout has already been entered");

    public static InvalidOperationException TimeoutOutsideTaskError() => new("Timeout should be used inside a task");
}
