using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>Structured concurrency on the loop: asyncio's <c>asyncio.TaskGroup</c> and <c>asyncio.timeout()</c> / <c>timeout_at()</c> (modules <c>taskgroups</c> and <c>timeouts</c>), as methods that take the body.</summary>
/// <remarks>Extension methods, so that <c>loop.TaskGroup(...)</c> and <c>loop.Timeout(...)</c> read as asyncio's <c>async with</c> blocks do.</remarks>
public static class StructuredConcurrency
{
    // ---- TaskGroup ------------------------------------------------------------------------------

    /// <summary>Runs <paramref name="body"/> with a task group and waits for all its tasks: asyncio's <c>async with asyncio.TaskGroup() as tg:</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.TaskGroup</c>; see <see cref="Asyncio.TaskGroup"/> for the rules. Must run inside a task.
    /// When <paramref name="cancellationToken"/> fires, from any thread, the body and the group's tasks are cancelled as by an outer timeout, and the call ends with <see cref="OperationCanceledException"/>.</remarks>
    public static Task TaskGroup(this EventLoop loop, Func<Asyncio.TaskGroup, Task> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        loop.CheckThread(nameof(TaskGroup));
        return loop.TaskGroup<object?>(async group => { await body(group); return null; }, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/> with a task group, waits for all its tasks, and returns the body's result.</summary>
    /// <remarks>asyncio: <c>async with asyncio.TaskGroup() as tg:</c>; see <see cref="Asyncio.TaskGroup"/> and <see cref="TaskGroup(EventLoop, Func{Asyncio.TaskGroup, Task}, CancellationToken)"/>.</remarks>
    public static Task<T> TaskGroup<T>(this EventLoop loop, Func<Asyncio.TaskGroup, Task<T>> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        loop.CheckThread(nameof(TaskGroup));
        if (!cancellationToken.CanBeCanceled)
            return RunTaskGroup(loop, body);
        // The token works as an outer timeout scope would: it cancels the parent task.
        return RunInTimeout(loop, null, static (_, b) => RunTaskGroup(b.Loop, b.Body), (Loop: loop, Body: body), cancellationToken);
    }

    private static async Task<T> RunTaskGroup<T>(EventLoop loop, Func<Asyncio.TaskGroup, Task<T>> body)
    {
        var group = new Asyncio.TaskGroup(loop);
        group.EnterCore();
        T result = default!;
        Exception? bodyError = null;
        try
        {
            result = await body(group);
        }
        catch (Exception exception)
        {
            bodyError = exception;
        }
        await group.ExitAsync(bodyError);
        if (bodyError is not null)
            ExceptionDispatchInfo.Throw(bodyError); // __aexit__ returned None: the body's exception stands
        return result;
    }

    // ---- Timeout scopes ----------------------------------------------------------------------

    /// <summary>Runs <paramref name="body"/> with a deadline <paramref name="delay"/> seconds away: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>async with asyncio.timeout(delay) as cm:</c>; the body gets <c>cm</c>.</para>
    /// <para>At the deadline the current task is cancelled; the scope turns that cancellation
    /// into <see cref="TimeoutException"/>. <see langword="null"/> means no deadline. Must run
    /// inside a task ("Timeout should be used inside a task").</para>
    /// <para>When <paramref name="cancellationToken"/> fires, from any thread, the body is
    /// cancelled the same way and the call ends with <see cref="OperationCanceledException"/>.</para>
    /// </remarks>
    public static Task Timeout(this EventLoop loop, double? delay, Func<TimeoutScope, Task> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(loop, Deadline(loop, delay), static async (scope, b) => { await b(scope); return (object?)null; }, body, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/> with a deadline <paramref name="delay"/> away: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>See <see cref="Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> means no deadline.</remarks>
    public static Task Timeout(this EventLoop loop, TimeSpan delay, Func<TimeoutScope, Task> body, CancellationToken cancellationToken = default) =>
        loop.Timeout(EventLoop.Seconds(delay), body, cancellationToken);

    /// <summary>Runs <paramref name="body"/> with a deadline <paramref name="delay"/> seconds away: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>See <see cref="Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public static Task Timeout(this EventLoop loop, double? delay, Func<Task> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(loop, Deadline(loop, delay), static async (_, b) => { await b(); return (object?)null; }, body, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/> with a deadline <paramref name="delay"/> away: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>See <see cref="Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public static Task Timeout(this EventLoop loop, TimeSpan delay, Func<Task> body, CancellationToken cancellationToken = default) =>
        loop.Timeout(EventLoop.Seconds(delay), body, cancellationToken);

    /// <summary>Awaits what <paramref name="body"/> returns (<c>() =&gt; loop.Sleep(5)</c>, a ValueTask, a Future) with a deadline <paramref name="delay"/> seconds away: asyncio's <c>async with asyncio.timeout(delay): await aw</c>.</summary>
    /// <remarks>See <see cref="Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public static Task Timeout(this EventLoop loop, double? delay, Func<Awaitable> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(loop, Deadline(loop, delay), static (_, b) => b().AwaitAsync(), body, cancellationToken);
    }

    /// <summary>Awaits what <paramref name="body"/> returns with a deadline <paramref name="delay"/> away: asyncio's <c>async with asyncio.timeout(delay): await aw</c>.</summary>
    /// <remarks>See <see cref="Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public static Task Timeout(this EventLoop loop, TimeSpan delay, Func<Awaitable> body, CancellationToken cancellationToken = default) =>
        loop.Timeout(EventLoop.Seconds(delay), body, cancellationToken);

    /// <summary>Runs <paramref name="body"/> with a deadline and returns its result: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>See <see cref="Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public static Task<T> Timeout<T>(this EventLoop loop, double? delay, Func<TimeoutScope, Task<T>> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(loop, Deadline(loop, delay), static (scope, b) => b(scope), body, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/> with a deadline <paramref name="delay"/> away and returns its result: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>See <see cref="Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public static Task<T> Timeout<T>(this EventLoop loop, TimeSpan delay, Func<TimeoutScope, Task<T>> body, CancellationToken cancellationToken = default) =>
        loop.Timeout(EventLoop.Seconds(delay), body, cancellationToken);

    /// <summary>Runs <paramref name="body"/> with a deadline and returns its result: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>See <see cref="Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public static Task<T> Timeout<T>(this EventLoop loop, double? delay, Func<Task<T>> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(loop, Deadline(loop, delay), static (_, b) => b(), body, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/> with a deadline <paramref name="delay"/> away and returns its result: asyncio's <c>async with asyncio.timeout(delay)</c>.</summary>
    /// <remarks>See <see cref="Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public static Task<T> Timeout<T>(this EventLoop loop, TimeSpan delay, Func<Task<T>> body, CancellationToken cancellationToken = default) =>
        loop.Timeout(EventLoop.Seconds(delay), body, cancellationToken);

    /// <summary>Awaits what <paramref name="body"/> returns (<c>() =&gt; queue.GetAsync()</c>) with a deadline and returns its result: asyncio's <c>async with asyncio.timeout(delay): return await aw</c>.</summary>
    /// <remarks>See <see cref="Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // an async lambda converts to Func<ValueTask<T>> too: Func<Task<T>> wins then
    public static Task<T> Timeout<T>(this EventLoop loop, double? delay, Func<ValueTask<T>> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(loop, Deadline(loop, delay), static async (_, b) => await b(), body, cancellationToken);
    }

    /// <summary>Awaits what <paramref name="body"/> returns with a deadline <paramref name="delay"/> away and returns its result: asyncio's <c>async with asyncio.timeout(delay): return await aw</c>.</summary>
    /// <remarks>See <see cref="Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // an async lambda converts to Func<ValueTask<T>> too: Func<Task<T>> wins then
    public static Task<T> Timeout<T>(this EventLoop loop, TimeSpan delay, Func<ValueTask<T>> body, CancellationToken cancellationToken = default) =>
        loop.Timeout(EventLoop.Seconds(delay), body, cancellationToken);

    /// <summary>Runs <paramref name="body"/> with a deadline at loop time <paramref name="when"/>: asyncio's <c>async with asyncio.timeout_at(when)</c>.</summary>
    /// <remarks>See <see cref="Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>. Loop time stays seconds, as <see cref="EventLoop.Time"/>.</remarks>
    public static Task TimeoutAt(this EventLoop loop, double? when, Func<TimeoutScope, Task> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(loop, when, static async (scope, b) => { await b(scope); return (object?)null; }, body, cancellationToken);
    }

    /// <summary>Awaits what <paramref name="body"/> returns with a deadline at loop time <paramref name="when"/>: asyncio's <c>async with asyncio.timeout_at(when): await aw</c>.</summary>
    /// <remarks>See <see cref="Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>.</remarks>
    public static Task TimeoutAt(this EventLoop loop, double? when, Func<Awaitable> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(loop, when, static (_, b) => b().AwaitAsync(), body, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/> with a deadline at loop time <paramref name="when"/> and returns its result: asyncio's <c>async with asyncio.timeout_at(when)</c>.</summary>
    public static Task<T> TimeoutAt<T>(this EventLoop loop, double? when, Func<TimeoutScope, Task<T>> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunInTimeout(loop, when, static (scope, b) => b(scope), body, cancellationToken);
    }

    private static double? Deadline(EventLoop loop, double? delay)
    {
        if (delay is double d && double.IsNaN(d))
            ThrowHelper.NaN(nameof(delay));
        return delay is double seconds ? loop.Time() + seconds : null;
    }

    internal static async Task<T> RunInTimeout<T, TState>(EventLoop loop, double? when, Func<TimeoutScope, TState, Task<T>> body, TState state,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var scope = new TimeoutScope(loop, when);
        scope.EnterCore();
        scope.CancelOn(cancellationToken);
        T result;
        try
        {
            result = await body(scope, state);
        }
        catch (Exception exception)
        {
            if (scope.ExitCore(exception))
            {
                if (scope.ExpiredByToken)
                    throw new OperationCanceledException("The operation was canceled.", exception, cancellationToken);
                throw ThrowHelper.TimeoutError(exception);
            }
            throw;
        }
        scope.ExitCore(null);
        return result;
    }

    /// <summary>A task group not yet entered: asyncio's <c>asyncio.TaskGroup()</c>, the object of <c>async with</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>tg = asyncio.TaskGroup()</c>. Enter it with <see cref="Asyncio.TaskGroup.EnterAsync"/>
    /// in the task that will be its parent; leave it with <see cref="Asyncio.TaskGroup.ExitAsync(Exception?)"/>
    /// or at the end of an <c>await using</c> block (see <see cref="Asyncio.TaskGroup.DisposeAsync"/>
    /// for what that block cannot see). The same rules as
    /// <see cref="TaskGroup(EventLoop, Func{Asyncio.TaskGroup, Task}, CancellationToken)"/>, which does both.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public static Asyncio.TaskGroup CreateTaskGroup(this EventLoop loop)
    {
        loop.CheckThread(nameof(CreateTaskGroup));
        return new Asyncio.TaskGroup(loop);
    }

    /// <summary>A timeout scope not yet entered, its deadline <paramref name="delay"/> seconds from now: asyncio's <c>asyncio.timeout(delay)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>cm = asyncio.timeout(delay)</c>. The deadline is fixed now, as asyncio's
    /// <c>loop.time() + delay</c>; <see langword="null"/> means none. The deadline starts when the
    /// scope is entered (<see cref="TimeoutScope.EnterAsync"/>); one passed by then fires in the
    /// next iteration. Leave it with <see cref="TimeoutScope.ExitAsync(Exception?)"/> or at the end
    /// of an <c>await using</c> block (see <see cref="TimeoutScope.DisposeAsync"/>). The same rules as
    /// <see cref="Timeout(EventLoop, double?, Func{TimeoutScope, Task}, CancellationToken)"/>, which does both.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is NaN.</exception>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public static TimeoutScope CreateTimeout(this EventLoop loop, double? delay)
    {
        loop.CheckThread(nameof(CreateTimeout));
        return new TimeoutScope(loop, Deadline(loop, delay));
    }

    /// <summary>A timeout scope not yet entered, its deadline <paramref name="delay"/> from now: asyncio's <c>asyncio.timeout(delay)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.timeout(delay)</c>; see <see cref="CreateTimeout(EventLoop, double?)"/>. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> means no deadline.</remarks>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public static TimeoutScope CreateTimeout(this EventLoop loop, TimeSpan delay) => loop.CreateTimeout(EventLoop.Seconds(delay));

    /// <summary>A timeout scope not yet entered, its deadline at loop time <paramref name="when"/>: asyncio's <c>asyncio.timeout_at(when)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.timeout_at(when)</c>; see <see cref="CreateTimeout(EventLoop, double?)"/>. <see langword="null"/> means no deadline.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="when"/> is NaN.</exception>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public static TimeoutScope CreateTimeoutAt(this EventLoop loop, double? when)
    {
        loop.CheckThread(nameof(CreateTimeoutAt));
        if (when is double w && double.IsNaN(w))
            Internal.ThrowHelper.NaN(nameof(when));
        return new TimeoutScope(loop, when);
    }
}
