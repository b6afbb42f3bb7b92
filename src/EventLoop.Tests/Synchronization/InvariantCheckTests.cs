#if DEBUG
using System.Diagnostics;
using Asyncio.Internal;

namespace Asyncio.Tests.Synchronization;

/// <summary>The Debug-only invariant checks fire when an invariant is broken (a Release build has no checks, and no such test).</summary>
public class InvariantCheckTests : LoopTest
{
    [Fact]
    public void AsyncLock_WokenWaiterBehindTheHead_FailsTheCheckInRelease()
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        Assert.True(lk.TryAcquire());
        // Break the invariant from inside: a waiter behind the head woken while the lock is held,
        // which no member of the lock ever does.
        var line = ((IWaitLine)lk).Waiters;
        var head = new WaiterFuture(loop);
        var second = new WaiterFuture(loop);
        line.Enqueue(head);
        line.Enqueue(second);
        second.SetResult(true);

        string? failure = DebugAssertions.FirstFailure(lk.Release);

        Assert.Equal("AsyncLock: a woken waiter is the head of the line, and the lock is free until it resumes", failure);
    }

    [Fact]
    public void AsyncLock_KeptInvariant_PassesTheCheck()
    {
        var loop = NewLoop();
        var lk = new AsyncLock();
        Assert.True(lk.TryAcquire());
        var line = ((IWaitLine)lk).Waiters;
        line.Enqueue(new WaiterFuture(loop));
        line.Enqueue(new WaiterFuture(loop));

        Assert.Null(DebugAssertions.FirstFailure(lk.Release));
    }

    /// <summary>Turns a failed <see cref="Debug.Assert(bool, string)"/> on this thread into an exception, which would otherwise end the process.</summary>
    private static class DebugAssertions
    {
        public static string? FirstFailure(Action action)
        {
            var listener = new ThrowOnThisThread(Environment.CurrentManagedThreadId);
            // The first touch of Trace.Listeners routes Debug.Assert through them; other threads
            // still reach the default listener after this one, and end the process as before.
            Trace.Listeners.Insert(0, listener);
            try
            {
                action();
                return null;
            }
            catch (AssertionFailed failed)
            {
                return failed.Message;
            }
            finally
            {
                Trace.Listeners.Remove(listener);
            }
        }

        private sealed class AssertionFailed(string? message) : Exception(message);

        private sealed class ThrowOnThisThread(int threadId) : TraceListener
        {
            public override void Fail(string? message, string? detailMessage)
            {
                if (Environment.CurrentManagedThreadId == threadId)
                    throw new AssertionFailed(message);
            }

            public override void Write(string? message)
            {
            }

            public override void WriteLine(string? message)
            {
            }
        }
    }
}
#endif
