namespace Asyncio.Tests.Diagnostics;

public class LoopObserverTests : LoopTest
{
    private sealed class Recorder : LoopObserver
    {
        public List<string> Events { get; } = [];

        public override void IterationStarted(EventLoop loop, int ready, int timers) => Events.Add($"iteration t={loop.Time()} ready={ready} timers={timers}");
        public override void IterationFinished(EventLoop loop, int ran) => Events.Add($"end ran={ran}");
        public override void CallbackStarting(EventLoop loop, CallbackInfo callback) => Events.Add("run " + (callback.Task?.Name ?? callback.Description));
        public override void TaskCreated(LoopTask task) => Events.Add("created " + task.Name);
        public override void TaskResumed(LoopTask task, Future? wokenBy) => Events.Add($"resumed {task.Name}" + (wokenBy is null ? "" : " by " + wokenBy));
        public override void TaskSuspended(LoopTask task, Future? waitingOn) => Events.Add($"suspended {task.Name} on {waitingOn?.ToString() ?? "nothing"}");
        public override void TaskFinished(LoopTask task) => Events.Add("finished " + task.Name);
        public override void TimerArmed(TimerHandle timer) => Events.Add($"armed {timer.When}");
        public override void TimerFired(TimerHandle timer) => Events.Add($"fired {timer.When}");
        public override void FutureCompleted(Future future) => Events.Add("completed " + (future is LoopTask t ? t.Name : future.ToString()));
    }

    [Fact]
    public void Observer_SeesEveryEventInOrder()
    {
        var loop = NewLoop();
        var recorder = new Recorder();
        loop.Observer = recorder;
        var task = loop.CreateTask(async () => { await loop.Sleep(1); return 5; }, "T");

        Assert.Equal(5, loop.RunUntilComplete(task));

        Assert.Equal(
        [
            "created T",
            "iteration t=0 ready=1 timers=0",
            "run T",
            "resumed T",
            "armed 1",
            "suspended T on <Future pending>",
            "end ran=1",
            "fired 1",
            "iteration t=1 ready=1 timers=0",
            "run <TimerHandle when=1 SetResultUnlessCancelled(<Future pending>)>",
            "completed <Future finished result=None>",
            "end ran=1",
            "iteration t=1 ready=1 timers=0",
            "run T",
            "resumed T by <Future finished result=None>",
            "finished T",
            "completed T",
            "end ran=1",
            "iteration t=1 ready=1 timers=0",
            "run _run_until_complete_cb(<LoopTask finished name='T' result=5>)",
            "end ran=1",
        ], recorder.Events);
    }

    [Fact]
    public void Observer_Detached_SeesNothingMore()
    {
        var loop = NewLoop();
        var recorder = new Recorder();
        loop.Observer = recorder;
        Assert.Same(recorder, loop.Observer);
        loop.Observer = null;
        loop.RunUntilComplete(async () => await loop.Sleep(1));
        Assert.Empty(recorder.Events);
    }
}

public class CompositeObserverTests : LoopTest
{
    private sealed class Counter(string name, List<string> log) : LoopObserver
    {
        public override void TaskCreated(LoopTask task) => log.Add($"{name} created {task.Name}");
        public override void TaskFinished(LoopTask task) => log.Add($"{name} finished {task.Name}");
    }

    [Fact]
    public void Composite_SendsEachEventToEachObserverInOrder()
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.Observer = new CompositeObserver(new Counter("a", log), new Counter("b", log));
        loop.RunUntilComplete(loop.CreateTask(() => Task.CompletedTask, "T"));
        Assert.Equal(["a created T", "b created T", "a finished T", "b finished T"], log);
        Assert.Throws<ArgumentNullException>(() => new CompositeObserver(null!));
    }
}
