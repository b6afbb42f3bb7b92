namespace Asyncio;

public sealed partial class EventLoop
{
    /// <summary>A task group not yet entered: asyncio's <c>asyncio.TaskGroup()</c>, the object of <c>async with</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>tg = asyncio.TaskGroup()</c>. Enter it with <see cref="Asyncio.TaskGroup.EnterAsync"/>
    /// in the task that will be its parent; leave it with <see cref="Asyncio.TaskGroup.ExitAsync(Exception?)"/>
    /// or at the end of an <c>await using</c> block (see <see cref="Asyncio.TaskGroup.DisposeAsync"/>
    /// for what that block cannot see). The same rules as
    /// <see cref="TaskGroup(Func{Asyncio.TaskGroup, Task}, CancellationToken)"/>, which does both.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public Asyncio.TaskGroup CreateTaskGroup()
    {
        CheckThread(nameof(CreateTaskGroup));
        return new Asyncio.TaskGroup(this);
    }

    /// <summary>A timeout scope not yet entered, its deadline <paramref name="delay"/> seconds from now: asyncio's <c>asyncio.timeout(delay)</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>cm = asyncio.timeout(delay)</c>. The deadline is fixed now, as asyncio's
    /// <c>loop.time() + delay</c>; <see langword="null"/> means none. The deadline starts when the
    /// scope is entered (<see cref="TimeoutScope.EnterAsync"/>); one passed by then fires in the
    /// next iteration. Leave it with <see cref="TimeoutScope.ExitAsync(Exception?)"/> or at the end
    /// of an <c>await using</c> block (see <see cref="TimeoutScope.DisposeAsync"/>). The same rules as
    /// <see cref="Timeout(double?, Func{TimeoutScope, Task}, CancellationToken)"/>, which does both.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is NaN.</exception>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public TimeoutScope CreateTimeout(double? delay)
    {
        CheckThread(nameof(CreateTimeout));
        return new TimeoutScope(this, Deadline(delay));
    }

    /// <summary>A timeout scope not yet entered, its deadline <paramref name="delay"/> from now: asyncio's <c>asyncio.timeout(delay)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.timeout(delay)</c>; see <see cref="CreateTimeout(double?)"/>. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> means no deadline.</remarks>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public TimeoutScope CreateTimeout(TimeSpan delay) => CreateTimeout(Seconds(delay));

    /// <summary>A timeout scope not yet entered, its deadline at loop time <paramref name="when"/>: asyncio's <c>asyncio.timeout_at(when)</c>.</summary>
    /// <remarks>asyncio: <c>asyncio.timeout_at(when)</c>; see <see cref="CreateTimeout(double?)"/>. <see langword="null"/> means no deadline.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="when"/> is NaN.</exception>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public TimeoutScope CreateTimeoutAt(double? when)
    {
        CheckThread(nameof(CreateTimeoutAt));
        if (when is double w && double.IsNaN(w))
            Internal.ThrowHelper.NaN(nameof(when));
        return new TimeoutScope(this, when);
    }
}
