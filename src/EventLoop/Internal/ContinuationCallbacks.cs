namespace Asyncio.Internal;

/// <summary>The callbacks .NET posts an <c>await</c> continuation with, found out by watching it post.</summary>
/// <remarks>
/// <para>When a .NET <see cref="Task"/> completes an await that captured a SynchronizationContext,
/// .NET posts to it one static callback of its own with the continuation, an
/// <see cref="Action"/>, as the state (<c>Task.Yield()</c> does the same when given an Action
/// directly, with another callback). An <c>await Task.Yield()</c> in an async method posts the
/// method's state machine instead, through a third callback. A task's context that knows those
/// callbacks can queue the continuation itself as the task's next step, as the loop's own
/// awaiters do, rather than pair callback and state in an object per await.</para>
/// <para>Which callbacks they are is not public, so it is observed once: each kind of await is
/// made to post to a probe context, and a callback counts only if calling it with what it was
/// posted with resumed that very await. If a later .NET posts differently, the probe finds other
/// callbacks or none, and posts simply go the general way.</para>
/// </remarks>
internal static class ContinuationCallbacks
{
    private static readonly SendOrPostCallback[] s_actionRunners;

    static ContinuationCallbacks() => (s_actionRunners, StateMachineRunner) = FindRunners();

    /// <summary>The callback that resumes an async method whose state machine it is posted with (from <c>await Task.Yield()</c>), or null if none was seen.</summary>
    public static SendOrPostCallback? StateMachineRunner { get; }

    /// <summary>Whether <paramref name="callback"/>, given an <see cref="Action"/> as its state, does nothing but run it.</summary>
    public static bool RunsItsAction(SendOrPostCallback callback)
    {
        foreach (var runner in s_actionRunners)
        {
            if (ReferenceEquals(runner, callback))
                return true;
        }
        return false;
    }

    private static (SendOrPostCallback[] ActionRunners, SendOrPostCallback? StateMachineRunner) FindRunners()
    {
        var probe = new Probe();
        var previous = SynchronizationContext.Current;
        var pending = new TaskCompletionSource();
        try
        {
            SynchronizationContext.SetSynchronizationContext(probe);
            Task.Yield().GetAwaiter().UnsafeOnCompleted(probe.Marker); // posts (callback, Action) at once
            pending.Task.GetAwaiter().UnsafeOnCompleted(probe.Marker); // captures the probe
            _ = YieldOnce(probe);                                      // posts (callback, state machine) at once
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        pending.SetResult(); // completes away from the probe, so it posts instead of running inline

        // Only now, outside the probe, each post is run, to see whether it resumed its await.
        var actionRunners = new List<SendOrPostCallback>();
        SendOrPostCallback? stateMachineRunner = null;
        foreach (var (callback, state) in probe.Posts)
        {
            probe.Resumed = false;
            callback(state);
            if (!probe.Resumed)
                continue;
            if (ReferenceEquals(state, probe.Marker))
            {
                if (!actionRunners.Contains(callback))
                    actionRunners.Add(callback);
            }
            else
            {
                stateMachineRunner ??= callback;
            }
        }
        return ([.. actionRunners], stateMachineRunner);
    }

    private static async Task YieldOnce(Probe probe)
    {
        await Task.Yield();
        probe.Resumed = true;
    }

    private sealed class Probe : SynchronizationContext
    {
        public Probe() => Marker = () => Resumed = true;

        public Action Marker { get; }

        public bool Resumed { get; set; }

        public List<(SendOrPostCallback Callback, object? State)> Posts { get; } = [];

        public override void Post(SendOrPostCallback d, object? state) => Posts.Add((d, state));
    }
}
