namespace Asyncio.Testing;

/// <summary>A test's failure found by <see cref="TestLoop"/>: exception-handler reports nobody took, or tasks still pending.</summary>
/// <remarks>
/// <para>asyncio: no twin; asyncio's own test suite fails a test the same way when its
/// exception handler was called (<c>test_utils.TestCase</c> checks at <c>tearDown</c>).</para>
/// <para>An ordinary exception, so that every test framework shows it as a failure with its
/// message. When exactly one report carries an exception, that exception is the
/// <see cref="Exception.InnerException"/>, so its stack trace is shown too.</para>
/// </remarks>
public sealed class LoopAssertionException : Exception
{
    /// <summary>Creates the exception with its message, the reports and the pending tasks it is about.</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public LoopAssertionException(string message, IReadOnlyList<ExceptionContext> reports, IReadOnlyList<TaskSnapshot> pendingTasks)
        : base(message, reports is { Count: 1 } ? reports[0].Exception : null)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(pendingTasks);
        Reports = reports;
        PendingTasks = pendingTasks;
    }

    /// <summary>The exception-handler reports the test did not take, in the order they came.</summary>
    /// <remarks>asyncio: the <c>context</c> dicts given to the exception handler.</remarks>
    public IReadOnlyList<ExceptionContext> Reports { get; }

    /// <summary>The tasks still pending, with what each waits on.</summary>
    /// <remarks>asyncio: <c>asyncio.all_tasks()</c>, described as <see cref="EventLoop.DumpTasks"/> does.</remarks>
    public IReadOnlyList<TaskSnapshot> PendingTasks { get; }
}
