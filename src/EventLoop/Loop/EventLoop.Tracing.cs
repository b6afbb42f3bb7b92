using System.Diagnostics;
using System.Globalization;

namespace Asyncio;

public sealed partial class EventLoop
{
    /// <summary>The name of the <see cref="ActivitySource"/> that traces tasks: one <see cref="Activity"/> per <see cref="LoopTask"/>. asyncio has no twin.</summary>
    /// <remarks>
    /// <para>.NET reason: OpenTelemetry and other <see cref="ActivityListener"/>s see the loop's
    /// tasks (<c>.AddSource(EventLoop.ActivitySourceName)</c>).</para>
    /// <para>With a listener, each task gets an Activity (operation name <c>LoopTask</c>, display
    /// name the task's name) when it is created, tagged <c>eventloop.task.name</c> and <c>eventloop.loop</c>; its parent is the
    /// Activity current where the task was created, which inside another traced task's code is
    /// that task's. The task's code runs with its own Activity current, so what it starts (an
    /// <c>HttpClient</c> call) nests under it. The Activity stops when the task finishes: status
    /// <see cref="ActivityStatusCode.Error"/> with the exception when it failed, tag
    /// <c>eventloop.task.cancelled</c> when cancelled, status error "Task was destroyed but it is
    /// pending!" when its loop closes first. Without a listener, creating a task costs one
    /// <see cref="ActivitySource.HasListeners"/> call and nothing else.</para>
    /// </remarks>
    public const string ActivitySourceName = "EventLoop";

    private static readonly ActivitySource s_taskActivities = new(ActivitySourceName);
    private static int s_tracedLoops;

    private string TraceName => _traceName ??= "EventLoop-" + Interlocked.Increment(ref s_tracedLoops).ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether anyone listens to task Activities: checked once per task creation.</summary>
    private static bool TracingTasks => s_taskActivities.HasListeners();

    /// <summary>Starts the Activity of a task being created, as a child of the creator's current one.</summary>
    private void TraceTask(LoopTask task)
    {
        // StartActivity makes the new Activity current: in the task's copy of the context (taken
        // again by Trace), not in the creator's, which gets its own ExecutionContext back.
        var creatorContext = ExecutionContext.Capture();
        var creatorActivity = Activity.Current;
        var activity = s_taskActivities.StartActivity("LoopTask", ActivityKind.Internal);
        if (activity is null)
            return; // the listeners sampled it out: nothing was allocated, nothing changed
        activity.DisplayName = task.Name;
        activity.SetTag("eventloop.task.name", task.Name);
        activity.SetTag("eventloop.loop", TraceName);
        task.Trace(activity);
        _tracedTasks++;
        if (creatorContext is not null)
            ExecutionContext.Restore(creatorContext);
        else
            Activity.Current = creatorActivity;
    }

    /// <summary>Stops a finished task's Activity, with its outcome.</summary>
    internal void EndTrace(LoopTask task, Activity activity, Exception? error)
    {
        _tracedTasks--;
        activity.DisplayName = task.Name; // it may have been renamed
        activity.SetTag("eventloop.task.name", task.Name);
        if (task.Cancelled)
        {
            activity.SetTag("eventloop.task.cancelled", true);
        }
        else if (error is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
            activity.AddException(error);
        }
        StopActivity(activity);
    }

    /// <summary>At <see cref="Close"/>: the tasks still pending never finish; their Activities end as they are reported.</summary>
    private void EndTracesOfPendingTasks()
    {
        if (_tracedTasks == 0)
            return;
        foreach (var task in AllTasks())
        {
            if (task.TakeActivity() is not { } activity)
                continue;
            activity.SetStatus(ActivityStatusCode.Error, "Task was destroyed but it is pending!");
            StopActivity(activity);
        }
        _tracedTasks = 0;
    }

    private static void StopActivity(Activity activity)
    {
        // Stop makes the Activity's parent current in the thread's ExecutionContext, which may be
        // the one the loop runs everything else in: put it back.
        var context = ExecutionContext.Capture();
        activity.Stop();
        if (context is not null && !ReferenceEquals(ExecutionContext.Capture(), context))
            ExecutionContext.Restore(context);
    }
}
