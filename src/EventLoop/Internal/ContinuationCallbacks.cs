namespace Asyncio.Internal;

/// <summary>The callbacks .NET posts an <c>await</c> continuation with, found out by watching it post.</summary>
/// <remarks>
/// <para>When a .NET <see cref="Task"/> completes an await that captured a SynchronizationContext,
/// .NET posts to it one static callback of its own with the continuation, an
/// <see cref="Action"/>, as the state (<c>Task.Yield()</c> does the same when given an Action
/// directly, with another callback). A task's context that knows those callbacks can queue the
/// Action itself as the task's next step, as the loop's own awaiters do, rather than pair
/// callback and state in an object per await. (An <c>await Task.Yield()</c> in an async method
/// posts the state machine instead of an Action, through yet another callback: that one still
/// goes the general way.)</para>
/// <para>Which callbacks they are is not public, so it is observed once: both kinds of await are
/// made to post to a probe context, and a callback counts only if calling it with an Action ran
/// that very Action. If a later .NET posts differently, the probe finds other callbacks or none,
/// and posts simply go the general way.</para>
/// </remarks>
internal static class ContinuationCallbacks
{
    private static readonly SendOrPostCallback[] s_runners = FindRunners();

    /// <summary>Whether <paramref name="callback"/>, given an <see cref="Action"/> as its state, does nothing but run it.</summary>
    public static bool RunsItsAction(SendOrPostCallback callback)
    {
        foreach (var runner in s_runners)
        {
            if (ReferenceEquals(runner, callback))
                return true;
        }
        return false;
    }

    private static SendOrPostCallback[] FindRunners()
    {
        var probe = new Probe();
        var previous = SynchronizationContext.Current;
        var pending = new TaskCompletionSource();
        try
        {
            SynchronizationContext.SetSynchronizationContext(probe);
            Task.Yield().GetAwaiter().UnsafeOnCompleted(probe.Marker); // posts at once
            pending.Task.GetAwaiter().UnsafeOnCompleted(probe.Marker); // captures the probe
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        pending.SetResult(); // completes away from the probe, so it posts instead of running inline
        return [.. probe.Found];
    }

    private sealed class Probe : SynchronizationContext
    {
        private bool _ran;

        public Probe() => Marker = () => _ran = true;

        public Action Marker { get; }

        public List<SendOrPostCallback> Found { get; } = [];

        public override void Post(SendOrPostCallback d, object? state)
        {
            if (!ReferenceEquals(state, Marker))
                return;
            _ran = false;
            d(state);
            if (_ran && !Found.Contains(d))
                Found.Add(d);
        }
    }
}
