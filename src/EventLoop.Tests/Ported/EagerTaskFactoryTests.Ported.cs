namespace Asyncio.Tests.Ported;

/// <summary>Cases ported from CPython 3.12's <c>Lib/test/test_asyncio/test_eager_task_factory.py</c>.</summary>
/// <remarks>
/// <para><c>loop.set_task_factory(asyncio.eager_task_factory)</c> is <c>loop.EagerTasks = true</c>;
/// a contextvar is an <see cref="AsyncLocal{T}"/>; each case runs its coroutine under
/// <c>loop.RunUntilComplete</c> on the virtual clock, so the loop is running when the tasks are made.</para>
/// <para>The task-counting cases count differently: CPython counts the tasks constructed without
/// <c>eager_start</c>, here the tasks whose first step was queued (an observer sees a step of a
/// task it never saw resume). The main task, made before the loop runs, is queued with or without
/// eager tasks, so the eager figures are 1 where CPython's are 0.</para>
/// <para>Not ported: the <c>_PyTask</c>/<c>_CTask</c> variants (one task type here),
/// <c>test_issue105987</c> (a C-module crash), and <c>create_eager_task_factory</c> with a custom
/// task class (tasks cannot be subclassed).</para>
/// </remarks>
public class PortedEagerTaskFactoryTests : LoopTest
{
    // cpython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_eager_task_factory_set
    [Fact]
    public void EagerTasks_Set_ReadsBackAndTasksRun()
    {
        var loop = NewEagerLoop();
        Assert.True(loop.EagerTasks);
        using (var fromOptions = new EventLoop(new EventLoopOptions { VirtualTime = true, EagerTasks = true }))
            Assert.True(fromOptions.EagerTasks);
        using (var byDefault = new EventLoop(new EventLoopOptions { VirtualTime = true }))
            Assert.False(byDefault.EagerTasks);

        static async Coroutine Noop() => await Task.CompletedTask;

        loop.RunUntilComplete(async () =>
        {
            var t = loop.CreateTask(Noop());
            Assert.Equal(typeof(LoopTask), t.GetType());
            await t;
        });
    }

    // cpython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_await_future_during_eager_step
    [Fact]
    public void AwaitFutureDuringEagerStep_TheStepCompletesTheTask()
    {
        var loop = NewEagerLoop();

        static async Coroutine SetResult(Future<string> fut, string val)
        {
            await Task.CompletedTask;
            fut.SetResult(val);
        }

        var result = loop.RunUntilComplete(async () =>
        {
            var fut = loop.CreateFuture<string>();
            var t = loop.CreateTask(SetResult(fut, "my message"));
            Assert.True(t.Done); // the eager step completed the task
            return await fut;
        });
        Assert.Equal("my message", result);
    }

    // cpython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_eager_completion
    [Fact]
    public void EagerCompletion_TaskIsDoneWhenCreated()
    {
        var loop = NewEagerLoop();

        static async Coroutine<string> Coro()
        {
            await Task.CompletedTask;
            return "hello";
        }

        var result = loop.RunUntilComplete(async () =>
        {
            var t = loop.CreateTask(Coro());
            Assert.True(t.Done);
            return await t;
        });
        Assert.Equal("hello", result);
        Assert.Equal(0, loop.Time());
    }

    // cpython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_block_after_eager_step
    [Fact]
    public void BlockAfterEagerStep_TaskFinishesLater()
    {
        var loop = NewEagerLoop();

        bool started = false;

        async Coroutine<string> Coro()
        {
            started = true;
            await loop.Sleep(0.1);
            return "finished after blocking";
        }

        var result = loop.RunUntilComplete(async () =>
        {
            var t = loop.CreateTask(Coro());
            Assert.True(started); // the eager step ran up to the sleep
            Assert.False(t.Done);
            var r = await t;
            Assert.True(t.Done);
            return r;
        });
        Assert.Equal("finished after blocking", result);
        Assert.Equal(0.1, loop.Time());
    }

    // cpython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_cancellation_after_eager_completion
    [Fact]
    public void CancellationAfterEagerCompletion_IsRefused()
    {
        var loop = NewEagerLoop();

        static async Coroutine<string> Coro()
        {
            await Task.CompletedTask;
            return "finished without blocking";
        }

        var result = loop.RunUntilComplete(async () =>
        {
            var t = loop.CreateTask(Coro());
            Assert.False(t.Cancel());
            var r = await t;
            Assert.False(t.Cancelled); // a finished task cannot be cancelled
            return r;
        });
        Assert.Equal("finished without blocking", result);
    }

    // cpython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_cancellation_after_eager_step_blocks
    [Fact]
    public void CancellationAfterEagerStepBlocks_CancelsWithTheMessage()
    {
        var loop = NewEagerLoop();

        bool started = false;

        async Coroutine<string> Coro()
        {
            started = true;
            await loop.Sleep(0.1);
            return "finished after blocking";
        }

        var error = Assert.Throws<CancelledError>(() => loop.RunUntilComplete(async () =>
        {
            var t = loop.CreateTask(Coro());
            Assert.True(started);
            Assert.True(t.Cancel("cancellation message"));
            Assert.True(t.Cancelling > 0);
            await t;
        }));
        Assert.Equal("cancellation message", error.CancelMessage);
        Assert.Equal(0, loop.Time());
    }

    // cpython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_current_task
    [Fact]
    public void CurrentTask_IsTheNewTaskInTheEagerStepAndAfter()
    {
        var loop = NewEagerLoop();
        LoopTask? captured = null;

        async Coroutine Coro()
        {
            captured = loop.CurrentTask;
            await loop.Sleep(0.1);
            Assert.Same(captured, loop.CurrentTask); // the same task before and after blocking
        }

        loop.RunUntilComplete(async () =>
        {
            var main = loop.CurrentTask;
            var t = loop.CreateTask(Coro());
            Assert.Same(t, captured);
            Assert.Same(main, loop.CurrentTask);
            await t;
        });
    }

    // cpython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_all_tasks_with_eager_completion
    [Fact]
    public void AllTasks_WithEagerCompletion_ListsTheTaskOnlyDuringItsStep()
    {
        var loop = NewEagerLoop();
        IReadOnlyList<LoopTask>? captured = null;

        async Coroutine Coro()
        {
            await Task.CompletedTask;
            captured = loop.AllTasks();
        }

        loop.RunUntilComplete(async () =>
        {
            var t = loop.CreateTask(Coro());
            Assert.Contains(t, captured!);
            Assert.DoesNotContain(t, loop.AllTasks());
            await Task.CompletedTask;
        });
    }

    // cpython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_all_tasks_with_blocking
    [Fact]
    public void AllTasks_WithBlocking_ListsTheTaskUntilItIsDone()
    {
        var loop = NewEagerLoop();
        IReadOnlyList<LoopTask>? capturedEager = null;

        async Coroutine Coro(Future<object?> fut1, Future<object?> fut2)
        {
            capturedEager = loop.AllTasks();
            await fut1;
            fut2.SetResult(null);
        }

        loop.RunUntilComplete(async () =>
        {
            var fut1 = loop.CreateFuture<object?>();
            var fut2 = loop.CreateFuture<object?>();
            var t = loop.CreateTask(Coro(fut1, fut2));
            Assert.Contains(t, capturedEager!);
            Assert.Contains(t, loop.AllTasks());
            fut1.SetResult(null);
            await fut2;
            Assert.DoesNotContain(t, loop.AllTasks());
        });
    }

    // cpython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_context_vars
    [Fact]
    public void ContextVars_TheEagerStepRunsInTheTasksOwnCopy()
    {
        var loop = NewEagerLoop();
        var cv = new AsyncLocal<int>();
        bool firstStepRan = false, secondStepRan = false;

        async Coroutine Coro()
        {
            Assert.Equal(1, cv.Value);
            cv.Value = 2;
            Assert.Equal(2, cv.Value);
            firstStepRan = true;
            await loop.Sleep(0.1);
            Assert.Equal(2, cv.Value);
            cv.Value = 3;
            Assert.Equal(3, cv.Value);
            secondStepRan = true;
        }

        loop.RunUntilComplete(async () =>
        {
            cv.Value = 1;
            var t = loop.CreateTask(Coro());
            Assert.True(firstStepRan);
            Assert.False(secondStepRan);
            Assert.Equal(1, cv.Value);
            await t;
            Assert.True(secondStepRan);
            Assert.Equal(1, cv.Value);
        });
    }

    // The same with an async Task method (Func<Task>): its builder, not the loop, puts the context back.
    [Fact]
    public void ContextVars_AsyncTaskMethod_TheEagerStepRunsInTheTasksOwnCopy()
    {
        var loop = NewEagerLoop();
        var cv = new AsyncLocal<int>();
        var seen = new List<string>();

        async Task Coro()
        {
            seen.Add($"task {cv.Value}");
            cv.Value = 2;
            await loop.Sleep(0.1);
            seen.Add($"task {cv.Value}");
        }

        loop.RunUntilComplete(async () =>
        {
            cv.Value = 1;
            var t = loop.CreateTask(Coro);
            seen.Add($"creator {cv.Value}");
            await t;
            seen.Add($"creator {cv.Value}");
        });
        Assert.Equal(["task 1", "creator 1", "task 2", "creator 1"], seen);
    }

    /// <summary>Counts the tasks whose first step was queued (not eager): a step of a task not seen to resume before.</summary>
    private sealed class QueuedStartCounter : LoopObserver
    {
        private readonly HashSet<LoopTask> _resumed = new(ReferenceEqualityComparer.Instance);

        public int Count { get; private set; }

        public override void CallbackStarting(EventLoop loop, CallbackInfo callback)
        {
            if (callback.Task is { } task && !_resumed.Contains(task))
                Count++;
        }

        public override void TaskResumed(LoopTask task, Future? wokenBy) => _resumed.Add(task);
    }

    private (EventLoop Loop, QueuedStartCounter Counter) CountingLoop(bool eager)
    {
        var loop = eager ? NewEagerLoop() : NewLoop();
        var counter = new QueuedStartCounter();
        loop.Observer = counter;
        return (loop, counter);
    }

    private static async Coroutine<int> AwaitableChain(int depth) =>
        depth == 0 ? 0 : 1 + await AwaitableChain(depth - 1);

    private static async Coroutine RecursiveTaskGroups(EventLoop loop, int width, int depth)
    {
        if (depth == 0)
            return;
        await loop.TaskGroup(tg =>
        {
            for (int i = 0; i < width; i++)
                _ = tg.CreateTask(RecursiveTaskGroups(loop, width, depth - 1));
            return Task.CompletedTask;
        });
    }

    private static async Coroutine RecursiveGather(EventLoop loop, int width, int depth)
    {
        if (depth == 0)
            return;
        var children = new Coroutine[width];
        for (int i = 0; i < width; i++)
            children[i] = RecursiveGather(loop, width, depth - 1);
        await loop.Gather(children);
    }

    // cpython: test_eager_task_factory.py::BaseTaskCountingTests::test_awaitables_chain
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TaskCounting_AwaitablesChain_OneTask(bool eager)
    {
        var (loop, counter) = CountingLoop(eager);
        Assert.Equal(100, loop.RunUntilComplete(AwaitableChain(100)));
        Assert.Equal(1, counter.Count);
    }

    // cpython: test_eager_task_factory.py::BaseTaskCountingTests::test_recursive_taskgroups
    [Theory]
    [InlineData(false, 781)] // 1 + 5 + 5^2 + 5^3 + 5^4
    [InlineData(true, 1)]    // the main task alone: every child finishes in its eager step
    public void TaskCounting_RecursiveTaskGroups(bool eager, int queuedStarts)
    {
        var (loop, counter) = CountingLoop(eager);
        loop.RunUntilComplete(RecursiveTaskGroups(loop, 5, 4));
        Assert.Equal(queuedStarts, counter.Count);
    }

    // cpython: test_eager_task_factory.py::BaseTaskCountingTests::test_recursive_gather
    [Theory]
    [InlineData(false, 781)]
    [InlineData(true, 1)]
    public void TaskCounting_RecursiveGather(bool eager, int queuedStarts)
    {
        var (loop, counter) = CountingLoop(eager);
        loop.RunUntilComplete(RecursiveGather(loop, 5, 4));
        Assert.Equal(queuedStarts, counter.Count);
    }
}
