using System.Diagnostics;

namespace Asyncio.Tests.Diagnostics;

[CollectionDefinition(nameof(TracingCollection), DisableParallelization = true)]
public sealed class TracingCollection;

/// <summary>Task tracing through the "EventLoop" ActivitySource: one Activity per task, parented to its creator's.</summary>
/// <remarks>
/// An ActivityListener is process-wide: these tests run alone (their collection is not
/// parallel), and the listener samples only what descends from the test's own root Activity, so
/// tasks of other tests are never traced.
/// </remarks>
[Collection(nameof(TracingCollection))]
public sealed class ActivityTests : LoopTest
{
    private static readonly ActivitySource s_testSource = new("EventLoop.Tests.Tracing");

    private sealed class Traces : IDisposable
    {
        private readonly ActivityListener _listener;
        public readonly List<Activity> Stopped = [];
        public readonly Activity Root;

        public Traces()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is EventLoop.ActivitySourceName or "EventLoop.Tests.Tracing",
                Sample = Sample,
                ActivityStopped = activity =>
                {
                    if (activity.Source.Name == EventLoop.ActivitySourceName)
                    {
                        lock (Stopped)
                            Stopped.Add(activity);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
            Root = s_testSource.StartActivity("test root")!;
        }

        private ActivitySamplingResult Sample(ref ActivityCreationOptions<ActivityContext> options)
        {
            if (options.Source.Name != EventLoop.ActivitySourceName)
                return ActivitySamplingResult.AllDataAndRecorded;
            return Root is not null && options.Parent.TraceId == Root.TraceId
                ? ActivitySamplingResult.AllDataAndRecorded
                : ActivitySamplingResult.None;
        }

        public Activity Named(string name) => Assert.Single(Stopped, a => a.DisplayName == name);

        public void Dispose()
        {
            Root.Stop();
            _listener.Dispose();
        }
    }

    [Fact]
    public void Task_WithAListener_HasAnActivityParentedToItsCreatorsAndCurrentInItsCode()
    {
        using var traces = new Traces();
        var loop = NewLoop();
        Activity? inMain = null, inChild = null, inMainAfterCreate = null;

        loop.RunUntilComplete(async () =>
        {
            inMain = Activity.Current;
            var child = loop.CreateTask(async () =>
            {
                await loop.Sleep(0);
                inChild = Activity.Current;
            }, name: "child");
            inMainAfterCreate = Activity.Current;
            await child;
        });

        var main = traces.Named("Task-1");
        var child = traces.Named("child");
        Assert.Equal(2, traces.Stopped.Count);
        Assert.Same(main, inMain);
        Assert.Same(main, inMainAfterCreate);
        Assert.Same(child, inChild);
        Assert.Equal(traces.Root.SpanId, main.ParentSpanId);
        Assert.Equal(main.SpanId, child.ParentSpanId);
        Assert.Equal("LoopTask", child.OperationName);
        Assert.Equal("child", child.GetTagItem("eventloop.task.name"));
        Assert.StartsWith("EventLoop-", (string)child.GetTagItem("eventloop.loop")!);
        Assert.Equal(child.GetTagItem("eventloop.loop"), main.GetTagItem("eventloop.loop"));
        Assert.Equal(ActivityStatusCode.Unset, child.Status);
        Assert.Same(traces.Root, Activity.Current); // the test's own context is left as it was
    }

    [Fact]
    public void Task_Fails_ActivityHasStatusErrorAndTheException()
    {
        using var traces = new Traces();
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            var failing = loop.CreateTask(async () =>
            {
                await loop.Sleep(0);
                throw new FormatException("bad input");
            }, name: "failing");
            await Raises<FormatException>(async () => await failing);
        });

        var failing = traces.Named("failing");
        Assert.Equal(ActivityStatusCode.Error, failing.Status);
        Assert.Equal("bad input", failing.StatusDescription);
        Assert.Contains(failing.Events, e => e.Name == "exception");
        Assert.Equal(ActivityStatusCode.Unset, traces.Named("Task-1").Status);
    }

    [Fact]
    public void Task_Cancelled_ActivityIsTaggedCancelled()
    {
        using var traces = new Traces();
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            var sleeper = loop.CreateTask(async () => await loop.Sleep(10), name: "sleeper");
            await loop.Sleep(0);
            sleeper.Cancel();
            await Raises<CancelledError>(async () => await sleeper);
        });

        var sleeper = traces.Named("sleeper");
        Assert.Equal(true, sleeper.GetTagItem("eventloop.task.cancelled"));
        Assert.Equal(ActivityStatusCode.Unset, sleeper.Status);
    }

    [Fact]
    public void Task_PendingWhenTheLoopCloses_ActivityEndsAsDestroyedPending()
    {
        using var traces = new Traces();
        var loop = NewLoop();
        loop.CreateTask(async () => await loop.Sleep(10), name: "forever");
        loop.RunUntilIdle();

        loop.Close();

        var forever = traces.Named("forever");
        Assert.Equal(ActivityStatusCode.Error, forever.Status);
        Assert.Equal("Task was destroyed but it is pending!", forever.StatusDescription);
        Assert.Single(TakeReports());
    }

    [Fact]
    public void Task_Renamed_ActivityCarriesTheLastName()
    {
        using var traces = new Traces();
        var loop = NewLoop();

        loop.RunUntilComplete(async () =>
        {
            loop.CurrentTask!.Name = "renamed";
            await loop.Sleep(0);
        });

        Assert.Equal("renamed", traces.Named("renamed").GetTagItem("eventloop.task.name"));
    }

    [Fact]
    public void Task_NoListener_NoActivity()
    {
        using var root = new Activity("no listener root").Start();
        var loop = NewLoop();
        Activity? inMain = null;

        loop.RunUntilComplete(async () =>
        {
            await loop.Sleep(0);
            inMain = Activity.Current;
        });

        Assert.Same(root, inMain);
    }
}
