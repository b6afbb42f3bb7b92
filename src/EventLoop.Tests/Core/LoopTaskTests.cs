namespace Asyncio.Tests.Core;

public class LoopTaskTests : LoopTest
{
    [Fact]
    public void CreateTask_FirstStepIsDeferredToTheNextIteration()
    {
        var log = new List<string>();
        var loop = NewLoop();
        loop.CallSoon(() =>
        {
            log.Add("creating");
            loop.CreateTask(async () => { log.Add("task runs"); await Task.CompletedTask; });
            log.Add("created");
        });
        RunOnce(loop);
        Assert.Equal(["creating", "created"], log);
        RunOnce(loop);
        Assert.Equal(["creating", "created", "task runs"], log);
    }

    [Fact]
    public void Cancel_WhileAwaitingFuture_ThrowsAtAwait_AndCancelsTheFuture()
    {
        var log = new List<string>();
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        var task = loop.CreateTask(async () =>
        {
            try { await f; }
            catch (CancelledError e) { log.Add($"caught '{e.CancelMessage}'"); throw; }
        });
        RunOnce(loop);
        Assert.Same(f, task.WaitingOn);
        Assert.True(task.Cancel("bye"));
        Assert.True(f.Cancelled);
        Assert.False(task.Done);
        Assert.Equal("bye", Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task)).CancelMessage);
        Assert.Equal(["caught 'bye'"], log);
        Assert.True(task.Cancelled);
    }

    [Fact]
    public void Cancel_BeforeFirstStep_MethodNeverRuns()
    {
        bool ran = false;
        var loop = NewLoop();
        var task = loop.CreateTask(async () => { ran = true; await Task.CompletedTask; });
        task.Cancel();
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        Assert.False(ran);
        Assert.True(task.Cancelled);
    }

    [Fact]
    public void Cancel_Swallowed_TaskFinishesWithResult()
    {
        var loop = NewLoop();
        var task = loop.CreateTask(async () =>
        {
            try { await loop.Sleep(10); }
            catch (CancelledError) { return "ignored"; }
            return "slept";
        });
        loop.CallLater(1, () => task.Cancel());
        Assert.Equal("ignored", loop.RunUntilComplete(task));
        Assert.False(task.Cancelled);
        Assert.Equal(1, task.Cancelling);
        Assert.False(task.Cancel());
        Assert.Equal(1.0, loop.Time());
    }

    [Fact]
    public void Cancel_DuringSleepZero_ThrowsAtThatAwait()
    {
        var log = new List<string>();
        var loop = NewLoop();
        var task = loop.CreateTask(async () =>
        {
            log.Add("step 1");
            try { await loop.Sleep(0); log.Add("not reached"); }
            catch (CancelledError) { log.Add("cancelled at sleep(0)"); throw; }
        });
        RunOnce(loop);
        task.Cancel();
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        Assert.Equal(["step 1", "cancelled at sleep(0)"], log);
    }

    [Fact]
    public void Cancel_OuterAwaitingInnerTask_CancelsInnerFirst()
    {
        var log = new List<string>();
        var loop = NewLoop();
        var inner = loop.CreateTask(async () =>
        {
            try { await loop.Sleep(10); }
            catch (CancelledError) { log.Add("inner cancelled"); throw; }
        });
        var outer = loop.CreateTask(async () =>
        {
            try { await inner; }
            catch (CancelledError) { log.Add("outer cancelled"); throw; }
        });
        loop.CallLater(1, () => outer.Cancel());
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(outer));
        Assert.Equal(["inner cancelled", "outer cancelled"], log);
        Assert.True(inner.Cancelled);
    }

    [Fact]
    public void Cancel_SelfThenReturn_TaskIsCancelled()
    {
        // asyncio: "Task is cancelled right before coro stops."
        var loop = NewLoop();
        var task = loop.CreateTask(async () =>
        {
            await Task.CompletedTask;
            loop.CurrentTask!.Cancel();
            return 1;
        });
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        Assert.True(task.Cancelled);
    }

    [Fact]
    public void Cancel_SelfThenAwait_CancelsTheAwaitedFutureAtOnce()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        var task = loop.CreateTask(async () =>
        {
            loop.CurrentTask!.Cancel("self");
            await f;
        });
        Assert.Equal("self", Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task)).CancelMessage);
        Assert.True(f.Cancelled);
    }

    [Fact]
    public void CancellingAndUncancel_CountRequests()
    {
        var loop = NewLoop();
        var task = loop.CreateTask(async () =>
        {
            while (true)
            {
                try { await loop.Sleep(1); return; }
                catch (CancelledError) { }
            }
        });
        Assert.Equal(0, task.Cancelling);
        task.Cancel();
        task.Cancel();
        Assert.Equal(2, task.Cancelling);
        Assert.Equal(1, task.Uncancel());
        Assert.Equal(0, task.Uncancel());
        Assert.Equal(0, task.Uncancel());
        loop.RunUntilComplete(task);
        Assert.False(task.Cancelled);
    }

    [Fact]
    public void Uncancel_ToZero_RevokesAPendingCancellation()
    {
        // 3.13: uncancel() to zero clears _must_cancel.
        var loop = NewLoop();
        var task = loop.CreateTask(async () => { await loop.Sleep(0); return "finished"; });
        RunOnce(loop); // suspended in Sleep(0): no waiter Future, so Cancel sets must-cancel
        task.Cancel();
        task.Uncancel();
        Assert.Equal("finished", loop.RunUntilComplete(task));
    }

    [Fact]
    public void CancellationToken_IsCancelledAtOnce_AndRenewedAfterUncancel()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        var task = loop.CreateTask(async () => await f);
        var token = task.CancellationToken;
        Assert.False(token.IsCancellationRequested);
        RunOnce(loop);
        task.Cancel();
        Assert.True(token.IsCancellationRequested);
        task.Uncancel();
        Assert.False(task.CancellationToken.IsCancellationRequested);
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
    }

    [Fact]
    public void DotNetCancellation_EndsTheTaskCancelled()
    {
        var loop = NewLoop();
        var task = loop.CreateTask(async () =>
        {
            await loop.Sleep(0);
            throw new OperationCanceledException("dotnet");
        });
        var e = Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        Assert.IsType<OperationCanceledException>(e.InnerException);
        Assert.True(task.Cancelled);
    }

    [Fact]
    public void CurrentTask_IsTheTaskInsideAndNullInCallbacks()
    {
        var loop = NewLoop();
        LoopTask? inside = null, afterAwait = null, inCallback = loop.CurrentTask;
        var task = loop.CreateTask(async () =>
        {
            inside = loop.CurrentTask;
            await loop.Sleep(1);
            afterAwait = loop.CurrentTask;
        });
        loop.CallSoon(() => inCallback = loop.CurrentTask);
        loop.RunUntilComplete(task);
        Assert.Same(task, inside);
        Assert.Same(task, afterAwait);
        Assert.Null(inCallback);
    }

    [Fact]
    public void AllTasks_ListsPendingTasksInCreationOrder()
    {
        var loop = NewLoop();
        var a = loop.CreateTask(async () => await loop.Sleep(1), "a");
        var b = loop.CreateTask(async () => await loop.Sleep(2), "b");
        Assert.Equal([a, b], loop.AllTasks());
        loop.RunUntilComplete(a);
        Assert.Equal([b], loop.AllTasks());
        loop.RunUntilComplete(b);
        Assert.Empty(loop.AllTasks());
    }

    [Fact]
    public void Name_DefaultsToTaskNPerLoop_AndCanBeSet()
    {
        var loop = NewLoop();
        var t1 = loop.CreateTask(() => Task.CompletedTask);
        var t2 = loop.CreateTask(() => Task.CompletedTask, "named");
        Assert.Equal("Task-1", t1.Name);
        Assert.Equal("named", t2.Name);
        t1.Name = "renamed";
        Assert.Equal("<LoopTask pending name='renamed'>", t1.ToString());
        loop.RunUntilComplete(t1);
        loop.RunUntilComplete(t2);
        Assert.Equal("<LoopTask finished name='renamed' result=None>", t1.ToString());
    }

    // asyncio 3.12 tasks.py, Task.__init__: `if name is None: self._name = f'Task-{_task_name_counter()}'`,
    // so a named task leaves the count alone (programs/54 shows it through gather's tasks too).
    [Fact]
    public void Name_ANamedTaskTakesNoNumber()
    {
        var loop = NewLoop();
        var t1 = loop.CreateTask(() => Task.CompletedTask);
        _ = loop.CreateTask(() => Task.CompletedTask, "named");
        var t3 = loop.CreateTask(() => Task.CompletedTask);
        Assert.Equal("Task-1", t1.Name);
        Assert.Equal("Task-2", t3.Name);
        loop.RunUntilComplete(t3);
    }

    [Fact]
    public void Await_ItsOwnTask_ThrowsInvalidOperation()
    {
        var loop = NewLoop();
        LoopTask? self = null;
        self = loop.CreateTask(async () => await self!);
        var e = Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(self));
        Assert.StartsWith("Task cannot await on itself", e.Message);
    }

    [Fact]
    public void Await_ForeignTask_ResumesOnTheLoopThread()
    {
        // A test about threads: the awaited .NET Task completes on the thread pool.
        var loop = new EventLoop(new EventLoopOptions { VirtualTime = false });
        int loopThread = Environment.CurrentManagedThreadId;
        int resumedOn = -1;
        var task = loop.CreateTask(async () =>
        {
            int value = await Task.Run(() => 21 * 2);
            resumedOn = Environment.CurrentManagedThreadId;
            return value;
        });
        Assert.Equal(42, loop.RunUntilComplete(task));
        Assert.Equal(loopThread, resumedOn);
        loop.Close();
    }

    [Fact]
    public void NestedCoroutine_RunsInlineInTheSameTask()
    {
        var log = new List<string>();
        var loop = NewLoop();
        async Task<int> Inner() { log.Add($"inner in {loop.CurrentTask?.Name}"); await loop.Sleep(1); return 2; }
        var task = loop.CreateTask(async () => { log.Add("outer"); return await Inner() * 10; }, "T");
        Assert.Equal(20, loop.RunUntilComplete(task));
        Assert.Equal(["outer", "inner in T"], log);
    }

    [Fact]
    public void Result_OfUntypedTasks_IsEachMethodsOwn_WhateverTypeFinishedBefore()
    {
        // A task made from a Func<Task> still has the result of a method typed Task<T> (as every
        // Python coroutine has one); the loop reads it through a per-type cache, which must
        // follow the type of each finished method.
        var loop = NewLoop();
        async Task<int> Number() { await loop.Sleep(0); return 7; }
        async Task Nothing() => await loop.Sleep(0);
        async Task<string> Text() { await loop.Sleep(0); return "seven"; }
        var tasks = new[]
        {
            loop.CreateTask(() => Number()), loop.CreateTask(() => Nothing()),
            loop.CreateTask(() => Text()), loop.CreateTask(() => Number()), loop.CreateTask(() => Nothing()),
        };
        loop.RunUntilComplete(loop.Gather(tasks));
        Assert.Equal(new object?[] { 7, null, "seven", 7, null }, tasks.Select(t => t.Result()).ToArray());
    }
}
