namespace Asyncio.Tests.Core;

/// <summary>
/// Eager tasks (<see cref="EventLoop.EagerTasks"/>) where .NET differs from Python: what a step
/// leaves behind on the thread (the SynchronizationContext, the ExecutionContext) when the step
/// ran inside another one, awaits of .NET Tasks in the eager step, and the stack. Transcripts
/// 56-58 and the port of test_eager_task_factory.py hold the asyncio rules.
/// </summary>
public class EagerTaskTests : LoopTest
{
    [Fact]
    public void AsyncTaskMethod_ThatNeverSuspends_IsDoneWhenCreated_AndNeverQueued()
    {
        var loop = NewEagerLoop();
        var log = new List<string>();

        async Task<int> Quick()
        {
            log.Add($"quick in {loop.CurrentTask!.Name}");
            await Task.CompletedTask;
            return 7;
        }

        loop.RunUntilComplete(async () =>
        {
            var t = loop.CreateTask(Quick);
            log.Add($"created: done {t.Done}, result {t.Result()}, current {loop.CurrentTask!.Name}");
            await Task.CompletedTask;
        });
        Assert.Equal(["quick in Task-2", "created: done True, result 7, current Task-1"], log);
    }

    [Fact]
    public void SynchronousFunction_SettingAnAsyncLocal_DoesNotReachTheCreator()
    {
        // No async method builder puts the ExecutionContext back here: the loop does.
        var loop = NewEagerLoop();
        var local = new AsyncLocal<int>();
        loop.RunUntilComplete(async () =>
        {
            local.Value = 1;
            var t = loop.CreateTask(() =>
            {
                local.Value = 5;
                return Task.CompletedTask;
            });
            Assert.True(t.Done);
            Assert.Equal(1, local.Value);
            await Task.CompletedTask;
        });
    }

    [Fact]
    public void ForeignAwaitInTheEagerStep_CreatorKeepsItsContext_TaskResumesInItsOwn()
    {
        var loop = NewEagerLoop();
        var log = new List<string>();

        async Coroutine Child()
        {
            log.Add($"child step 1 in {loop.CurrentTask!.Name}");
            await Task.Yield(); // a .NET await: posts back to this task's context
            log.Add($"child step 2 in {loop.CurrentTask!.Name} at {loop.Time()}");
        }

        loop.RunUntilComplete(async () =>
        {
            var context = SynchronizationContext.Current;
            var t = loop.CreateTask(Child());
            Assert.Same(context, SynchronizationContext.Current);
            log.Add($"main goes on in {loop.CurrentTask!.Name}, child done {t.Done}");
            await t;
            log.Add($"main resumes in {loop.CurrentTask!.Name}");
        });
        Assert.Equal([
            "child step 1 in Task-2",
            "main goes on in Task-1, child done False",
            "child step 2 in Task-2 at 0",
            "main resumes in Task-1",
        ], log);
    }

    [Fact]
    public void TaskMadeFromACallback_LeavesNoTaskCurrent_AndTheLoopsOwnContextInstalled()
    {
        var loop = NewEagerLoop();
        LoopTask? currentAfter = loop.CurrentTask;
        SynchronizationContext? contextBefore = null, contextAfter = null;
        LoopTask? child = null;

        static async Coroutine Sleeper(EventLoop loop) => await loop.Sleep(1);

        loop.CallSoon(() =>
        {
            contextBefore = SynchronizationContext.Current;
            child = loop.CreateTask(Sleeper(loop));
            currentAfter = loop.CurrentTask;
            contextAfter = SynchronizationContext.Current;
        });
        loop.RunUntilComplete(async () => await loop.Sleep(2));
        Assert.Null(currentAfter);
        Assert.NotNull(contextBefore);
        Assert.Same(contextBefore, contextAfter);
        Assert.True(child!.Done);
    }

    [Fact]
    public void EagerTasksMakingEagerTasks_PastTheStacksReserve_StartInTheNextIteration()
    {
        // 100,000 nested eager starts would overflow the stack (and kill the process); past the
        // reserve a task is queued instead, and the nesting starts over from its step.
        const int Count = 100_000;
        var loop = NewEagerLoop();
        int started = 0, finished = 0, nesting = 0, deepest = 0;
        var allFinished = loop.CreateFuture<bool>();

        async Coroutine Spawn(int remaining)
        {
            started++;
            deepest = Math.Max(deepest, ++nesting);
            if (remaining > 0)
                _ = loop.CreateTask(Spawn(remaining - 1));
            nesting--;
            await loop.Sleep(0);
            if (++finished == Count)
                allFinished.SetResult(true);
        }

        loop.RunUntilComplete(async () =>
        {
            _ = loop.CreateTask(Spawn(Count - 1));
            await allFinished;
        });
        Assert.Equal(Count, started);
        Assert.InRange(deepest, 100, Count - 1);
    }

    [Fact]
    public void Observer_SeesTheTaskCreatedBeforeItsEagerStep()
    {
        var loop = NewEagerLoop();
        var events = new List<string>();
        loop.Observer = new EventRecorder(events);

        static async Coroutine Quick() => await Task.CompletedTask;

        loop.RunUntilComplete(async () =>
        {
            events.Clear();
            _ = loop.CreateTask(Quick(), name: "quick");
            await Task.CompletedTask;
        });
        Assert.Equal(["created quick", "resumed quick", "finished quick"], events.Take(3));
    }

    private sealed class EventRecorder(List<string> events) : LoopObserver
    {
        public override void TaskCreated(LoopTask task) => events.Add($"created {task.Name}");

        public override void TaskResumed(LoopTask task, Future? wokenBy) => events.Add($"resumed {task.Name}");

        public override void TaskFinished(LoopTask task) => events.Add($"finished {task.Name}");
    }
}
