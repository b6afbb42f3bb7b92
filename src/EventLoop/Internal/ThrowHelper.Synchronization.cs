using System.Diagnostics.CodeAnalysis;

namespace Asyncio.Internal;

// The synchronisation primitives' errors: asyncio locks.py and queues.py.
internal static partial class ThrowHelper
{
    /// <summary>asyncio <c>Semaphore(value)</c>'s <c>ValueError</c>.</summary>
    [DoesNotReturn]
    public static void SemaphoreInitialValue() => throw new ArgumentOutOfRangeException(null, "Semaphore initial value must be >= 0");

    /// <summary>asyncio <c>BoundedSemaphore.release()</c>'s <c>ValueError</c>, as .NET's own type for it.</summary>
    [DoesNotReturn]
    public static void BoundedSemaphoreReleasedTooManyTimes() => throw new SemaphoreFullException("BoundedSemaphore released too many times");

    /// <summary>asyncio <c>Barrier(parties)</c>'s <c>ValueError</c>.</summary>
    [DoesNotReturn]
    public static void BarrierParties() => throw new ArgumentOutOfRangeException(null, "parties must be > 0");

    /// <summary>asyncio <c>Lock.release()</c>'s <c>RuntimeError</c>.</summary>
    [DoesNotReturn]
    public static void LockNotAcquired() => throw new InvalidOperationException("Lock is not acquired.");

    /// <summary>asyncio <c>Condition.wait()</c>'s <c>RuntimeError</c>.</summary>
    [DoesNotReturn]
    public static void ConditionWaitUnacquired() => throw new InvalidOperationException("cannot wait on un-acquired lock");

    /// <summary>asyncio <c>Condition.notify()</c>'s <c>RuntimeError</c>.</summary>
    [DoesNotReturn]
    public static void ConditionNotifyUnacquired() => throw new InvalidOperationException("cannot notify on un-acquired lock");

    /// <summary>asyncio <c>Queue.task_done()</c>'s <c>ValueError</c>; an <see cref="InvalidOperationException"/> here, as it is the queue's state, not the argument, that is wrong.</summary>
    [DoesNotReturn]
    public static void TaskDoneTooManyTimes() => throw new InvalidOperationException("task_done() called too many times");
}
