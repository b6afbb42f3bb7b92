using System.Reflection;
using System.Runtime.CompilerServices;

namespace Asyncio.Tests.Core;

/// <summary>
/// <c>async Coroutine</c> methods: Python's coroutine objects. Calling one runs nothing; awaiting
/// it runs it inline in the awaiting task; a task over it starts it in the task's first step.
/// Transcripts 54 and 55 hold the same rules beside CPython's output.
/// </summary>
public class CoroutineTests : LoopTest
{
    private static async Coroutine<int> Record(EventLoop loop, List<string> log, string name, double delay, int result)
    {
        log.Add($"{name} starts at {loop.Time()}");
        await loop.Sleep(delay);
        log.Add($"{name} resumes at {loop.Time()}");
        return result;
    }

    [Fact]
    public void CallingTheMethod_RunsNoneOfItsBody()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var coroutine = Record(loop, log, "c", 1, 7);
        Assert.Empty(log);
        Assert.Equal(7, loop.RunUntilComplete(coroutine));
        Assert.Equal(["c starts at 0", "c resumes at 1"], log);
    }

    [Fact]
    public void CreateTask_StartsTheBodyInTheTasksFirstStep_AndKeepsItsResult()
    {
        var loop = NewLoop();
        var log = new List<string>();
        LoopTask<int>? task = null;
        loop.RunUntilComplete(async () =>
        {
            task = loop.CreateTask(Record(loop, log, "t", 2, 42));
            log.Add("created");
            await loop.Sleep(0);
            log.Add("main after one iteration");
            log.Add("result " + await task);
        });
        Assert.Equal(["created", "t starts at 0", "main after one iteration", "t resumes at 2", "result 42"], log);
        Assert.Equal(42, task!.Result());
        Assert.Equal(2, loop.Time());
    }

    private static async Coroutine<LoopTask?> CurrentTaskInside(EventLoop loop, bool suspend)
    {
        if (suspend)
            await loop.Sleep(0);
        return loop.CurrentTask;
    }

    [Fact]
    public void Await_RunsInlineAsAStepOfTheAwaitingTask_WithoutALoopTurn()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var main = loop.CreateTask(async () =>
        {
            loop.CallSoon(() => log.Add("callback"));
            var current = await CurrentTaskInside(loop, suspend: false);
            log.Add(ReferenceEquals(current, loop.CurrentTask) ? "inline, same task" : "other task");
            current = await CurrentTaskInside(loop, suspend: true);
            log.Add(ReferenceEquals(current, loop.CurrentTask) ? "after a yield, same task" : "other task");
        });
        loop.RunUntilComplete(main);
        Assert.Equal(["inline, same task", "callback", "after a yield, same task"], log);
    }

    private static async Coroutine<string> Outer(EventLoop loop) => "outer(" + await Middle(loop) + ")";

    private static async Coroutine<string> Middle(EventLoop loop)
    {
        await loop.Sleep(1.5);
        return "middle(" + await Inner(loop) + ")";
    }

    private static async Coroutine<string> Inner(EventLoop loop)
    {
        await loop.Sleep(0.25);
        return "inner";
    }

    [Fact]
    public void NestedCoroutines_ResumeEachOtherInline_OnTheVirtualClock()
    {
        var loop = NewLoop();
        var task = loop.CreateTask(Outer(loop));
        Assert.Equal("outer(middle(inner))", loop.RunUntilComplete(task));
        Assert.Equal(1.75, loop.Time());
    }

    private static async Coroutine Throws(EventLoop loop)
    {
        await loop.Sleep(0);
        throw new ArgumentException("bad value");
    }

    private static async Coroutine<string> Catches(EventLoop loop)
    {
        try
        {
            await Throws(loop);
            return "not thrown";
        }
        catch (ArgumentException e)
        {
            return "caught " + e.Message;
        }
    }

    [Fact]
    public void AnException_ReachesTheAwaiter_WithItsStackTrace()
    {
        var loop = NewLoop();
        Assert.Equal("caught bad value", loop.RunUntilComplete(Catches(loop)));
        var task = loop.CreateTask(Throws(loop));
        var e = Assert.Throws<ArgumentException>(() => loop.RunUntilComplete(task));
        Assert.Equal("bad value", e.Message);
        Assert.Contains(nameof(Throws), e.StackTrace);
        Assert.Same(e, task.Exception());
    }

    private static async Coroutine<int> CatchesCancellation(EventLoop loop, List<string> log)
    {
        try
        {
            await loop.Sleep(10);
            return 0;
        }
        catch (CancelledError e)
        {
            log.Add($"cancelled at {loop.Time()}: {e.CancelMessage}");
            return 5;
        }
    }

    private static async Coroutine SleepsLong(EventLoop loop) => await loop.Sleep(10);

    [Fact]
    public void Cancel_ThrowsCancelledErrorInsideTheBody_AsInAsyncio()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var caught = loop.CreateTask(CatchesCancellation(loop, log));
        var uncaught = loop.CreateTask(SleepsLong(loop));
        loop.CallLater(1, () => caught.Cancel("stop"));
        loop.CallLater(2, () => uncaught.Cancel("halt"));
        // asyncio: a task whose coroutine catches the CancelledError and returns is not cancelled.
        Assert.Equal(5, loop.RunUntilComplete(caught));
        Assert.False(caught.Cancelled);
        Assert.Equal(["cancelled at 1: stop"], log);
        var e = Assert.Throws<CancelledError>(() => loop.RunUntilComplete(uncaught));
        Assert.Equal("halt", e.CancelMessage);
        Assert.True(uncaught.Cancelled);
        Assert.Equal(2, loop.Time());
    }

    private static async Coroutine ThrowsOperationCanceled(EventLoop loop)
    {
        await loop.Sleep(0);
        throw new OperationCanceledException("token fired");
    }

    [Fact]
    public void AnOperationCanceledException_CancelsTheTask()
    {
        var loop = NewLoop();
        var task = loop.CreateTask(ThrowsOperationCanceled(loop));
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        Assert.True(task.Cancelled);
    }

    [Fact]
    public void CancelBeforeTheFirstStep_TheBodyNeverRuns()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var coroutine = Record(loop, log, "never", 0, 1);
        var task = loop.CreateTask(coroutine);
        Assert.True(task.Cancel());
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        Assert.Empty(log);
        var e = Assert.Throws<InvalidOperationException>(() => coroutine.GetAwaiter());
        Assert.Equal("cannot reuse already awaited coroutine", e.Message);
    }

    // Differs from asyncio, where the second task's first send would resume the coroutine the
    // first task is driving (and the first task then fails): here a coroutine has one driver.
    [Fact]
    public void OneCoroutineGivenToTwoTasks_TheSecondFails()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var coroutine = Record(loop, log, "shared", 1, 5);
        var first = loop.CreateTask(coroutine);
        var second = loop.CreateTask(coroutine);
        var e = Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(second));
        Assert.Equal("coroutine is being awaited already", e.Message);
        Assert.Equal(5, loop.RunUntilComplete(first));
        Assert.Equal(["shared starts at 0", "shared resumes at 1"], log);
    }

    [Fact]
    public void ADefaultCoroutine_IsRejectedWithAClearMessage()
    {
        var loop = NewLoop();
        const string message = "This Coroutine is a default value: only an async Coroutine method makes one.";
        Assert.Equal(message, Assert.Throws<InvalidOperationException>(() => loop.CreateTask(default(Coroutine))).Message);
        Assert.Equal(message, Assert.Throws<InvalidOperationException>(() => loop.CreateTask(default(Coroutine<int>))).Message);
        Assert.Equal(message, Assert.Throws<InvalidOperationException>(() => default(Coroutine).GetAwaiter()).Message);
        Assert.Equal(message, Assert.Throws<InvalidOperationException>(() => EventLoop.Run(default(Coroutine))).Message);
        Assert.Empty(loop.AllTasks());
    }

    private static readonly AsyncLocal<string?> s_local = new();

    private static async Coroutine<string?> SetsALocal(EventLoop loop)
    {
        s_local.Value = "set inside";
        await loop.Sleep(1);
        return s_local.Value;
    }

    [Fact]
    public void AnAsyncLocalSetInTheBody_FlowsToItsNextStep_AndNotOutOfIt()
    {
        var loop = NewLoop();
        var seenOutside = new List<string?>();
        var task = loop.CreateTask(SetsALocal(loop));
        loop.CallLater(0.5, () => seenOutside.Add(s_local.Value));
        Assert.Equal("set inside", loop.RunUntilComplete(task));
        Assert.Equal([null], seenOutside);
        Assert.Null(s_local.Value);
    }

    private static async Coroutine<string> AwaitsDotNet(EventLoop loop, Task<string> dotnet)
    {
        var before = loop.CurrentTask;
        string value = await dotnet;
        return ReferenceEquals(before, loop.CurrentTask) ? value + " on the same task" : "moved";
    }

    [Fact]
    public void AwaitingADotNetTask_ResumesAsAStepOfTheSameTask()
    {
        var loop = NewLoop();
        var source = new TaskCompletionSource<string>();
        var waiting = loop.CreateTask(AwaitsDotNet(loop, source.Task));
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            await loop.Sleep(1);
            source.SetResult("set by another task");
            // asyncio: the waiter resumes in a later step of its own, not inside SetResult.
            log.Add("setter goes on, waiter done: " + waiting.Done);
        });
        Assert.Equal("set by another task on the same task", loop.RunUntilComplete(waiting));
        Assert.Equal(["setter goes on, waiter done: False"], log);
    }

    private static async Coroutine YieldsThroughDotNet(List<string> log)
    {
        log.Add("before Task.Yield");
        await Task.Yield();
        log.Add("after Task.Yield");
    }

    [Fact]
    public void TaskYield_InABody_TakesOneIteration()
    {
        var loop = NewLoop();
        var log = new List<string>();
        var task = loop.CreateTask(YieldsThroughDotNet(log));
        loop.CallSoon(() => loop.CallSoon(() => log.Add("callback of the second iteration")));
        loop.RunUntilComplete(task);
        Assert.Equal(["before Task.Yield", "after Task.Yield", "callback of the second iteration"], log);
    }

    [Fact]
    public void ACoroutine_CanBeAwaitedFromAnAsyncTaskMethod()
    {
        var loop = NewLoop();
        string? result = null;
        loop.RunUntilComplete(async () => result = await Outer(loop));
        Assert.Equal("outer(middle(inner))", result);
        Assert.Equal(1.75, loop.Time());
    }

    [Fact]
    public void EventLoopRun_AndGather_TakeCoroutines()
    {
        Assert.Equal("outer(middle(inner))", EventLoop.Run(RunOuter(), new EventLoopOptions { VirtualTime = true }));

        static async Coroutine<string> RunOuter()
        {
            var loop = EventLoop.GetRunningLoop();
            var results = await loop.Gather(Inner(loop), Outer(loop));
            return results[1];
        }
    }

    // asyncio 3.12 wait_for(coro(), t): the coroutine runs inline under a timeout; past it, it
    // is cancelled and TimeoutError comes out at the deadline.
    [Fact]
    public void WaitFor_RunsTheCoroutineInlineUnderATimeout()
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            var current = loop.CurrentTask;
            log.Add("in time: " + await loop.WaitFor(Record(loop, log, "quick", 1, 3), timeout: 2));
            try
            {
                await loop.WaitFor(SleepsLong(loop), timeout: 2);
            }
            catch (TimeoutException)
            {
                log.Add($"timed out at {loop.Time()}");
            }
        });
        Assert.Equal(["quick starts at 0", "quick resumes at 1", "in time: 3", "timed out at 3"], log);
    }

    [Fact]
    public void Shield_TakesACoroutine_AndKeepsItRunningWhenTheAwaiterIsCancelled()
    {
        var loop = NewLoop();
        var log = new List<string>();
        Future<int>? shielded = null;
        var outer = loop.CreateTask(async () => await (shielded = loop.Shield(Record(loop, log, "inner", 2, 9))));
        loop.CallLater(1, () => outer.Cancel());
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(outer));
        Assert.Equal(9, loop.RunUntilComplete(loop.AllTasks().Single() as LoopTask<int>
            ?? throw new InvalidOperationException("the shielded task is missing")));
        Assert.Equal(["inner starts at 0", "inner resumes at 2"], log);
        Assert.True(shielded!.Cancelled); // asyncio: the outer Future is cancelled, the task is not
    }

    [Fact]
    public void TaskGroup_TakesCoroutines()
    {
        var loop = NewLoop();
        var log = new List<string>();
        loop.RunUntilComplete(async () =>
        {
            await loop.TaskGroup(group =>
            {
                group.CreateTask(Record(loop, log, "a", 2, 1));
                group.CreateTask(Record(loop, log, "b", 1, 2));
                return Task.CompletedTask;
            });
            log.Add($"group done at {loop.Time()}");
        });
        Assert.Equal(["a starts at 0", "b starts at 0", "b resumes at 1", "a resumes at 2", "group done at 2"], log);
    }

    [Fact]
    public void ToString_IsPythonsCoroutineRepr()
    {
        var loop = NewLoop();
        Assert.Equal("<coroutine object Record>", Record(loop, [], "x", 0, 0).ToString());
        // Python's __qualname__: main.<locals>.local, main.<locals>.<lambda>
        Assert.Equal($"<coroutine object {nameof(ToString_IsPythonsCoroutineRepr)}.<locals>.Local>", Local().ToString());
        Func<Coroutine> lambda = async () => await Task.CompletedTask;
        Assert.Equal($"<coroutine object {nameof(ToString_IsPythonsCoroutineRepr)}.<locals>.<lambda>>", lambda().ToString());
        Assert.Equal("<coroutine default>", default(Coroutine).ToString());

        static async Coroutine Local() => await Task.CompletedTask;
    }

    private static int s_deepest;

    private static async Coroutine<int> Depth(EventLoop loop, int n, int level = 0)
    {
        s_deepest = Math.Max(s_deepest, level);
        if (n == 0)
        {
            await loop.Sleep(1);
            return 0;
        }
        return 1 + await Depth(loop, n - 1, level + 1);
    }

    // Python's default recursion limit is 1,000 frames: a chain that deep starts inline, and
    // finishes within the step in which the innermost sleep ends.
    [Fact]
    public void AThousandNestedAwaits_StartInline_AndFinishTogether()
    {
        var loop = NewLoop();
        Assert.Equal(1_000, loop.RunUntilComplete(Depth(loop, 1_000)));
        Assert.Equal(1, loop.Time());
    }

    /// <summary>Runs <paramref name="body"/> on a thread with a small stack, so that its limit comes soon.</summary>
    private static void OnSmallStack(Action body)
    {
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                error = e;
            }
        }, maxStackSize: 512 * 1024);
        thread.Start();
        thread.Join();
        if (error is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
    }

    // Deeper than the stack holds: the await that would overflow throws instead (Python raises
    // RecursionError), the error comes out through every coroutine awaiting, and the process
    // lives.
    [Fact]
    public void NestingPastTheStack_ThrowsAtTheAwait_InsteadOfOverflowing()
    {
        OnSmallStack(() =>
        {
            using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
            s_deepest = 0;
            Assert.Throws<InsufficientExecutionStackException>(() => loop.RunUntilComplete(Depth(loop, 1_000_000)));
            Assert.InRange(s_deepest, 100, 1_000_000 - 1);
        });
    }

    // Each level starts in a step of its own (after a Sleep(0)), so starting never nests; but
    // when the innermost returns, each coroutine resumes its awaiter inline, 100,000 deep.
    private static async Coroutine<int> Ladder(EventLoop loop, int n)
    {
        await loop.Sleep(0);
        if (n == 0)
        {
            await loop.Sleep(1);
            return 0;
        }
        return 1 + await Ladder(loop, n - 1);
    }

    // Past what the stack holds, the awaiters left resume in the next iteration instead (as .NET's
    // own Task continuations fall back to the thread pool): without that, this overflows the stack.
    [Fact]
    public void AwaitersResumedInline_PastTheStack_ResumeInTheNextIteration()
    {
        OnSmallStack(() =>
        {
            using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
            Assert.Equal(100_000, loop.RunUntilComplete(Ladder(loop, 100_000)));
            Assert.Equal(1, loop.Time());
        });
    }

    // Every loop awaiter marked ILoopAwaiter is read by CoroutineCore.Suspend as its one
    // reference field, without boxing: hold each to that layout.
    [Fact]
    public void EveryLoopAwaiter_IsAStructOfOneReference()
    {
        var marker = typeof(EventLoop).Assembly.GetType("Asyncio.Internal.ILoopAwaiter", throwOnError: true)!;
        var awaiters = typeof(EventLoop).Assembly.GetTypes().Where(t => t.GetInterfaces().Contains(marker)).ToList();
        Assert.Equal(
            ["CoroutineAwaiter", "CoroutineAwaiter`1", "FutureAwaiter", "FutureAwaiter`1", "SleepAwaiter"],
            awaiters.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var type in awaiters)
        {
            Assert.True(type.IsValueType, type.Name);
            var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
            Assert.True(fields.Length == 1 && !fields[0].FieldType.IsValueType, type.Name);
        }
    }

    // The awaits a coroutine makes of the loop's own awaitables allocate nothing: no delegate,
    // no boxed awaiter (it was 24 bytes per await through the interface).
    private static async Coroutine SleepsZeroTimes(EventLoop loop, Future<int> done, int n)
    {
        for (int i = 0; i < n; i++)
        {
            await loop.Sleep(0);
            await done;
        }
    }

    [Fact]
    public void AwaitsOfTheLoopsOwnAwaitables_AllocateNothing()
    {
        var loop = NewLoop();
        var done = loop.CreateFuture<int>();
        done.SetResult(1);
        long Run(int n)
        {
            var coroutine = SleepsZeroTimes(loop, done, n);
            var task = loop.CreateTask(coroutine);
            long before = GC.GetAllocatedBytesForCurrentThread();
            loop.RunUntilComplete(task);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Run(100);
        Assert.Equal(0, Allocations.PerObject(Run(3_000) - Run(1_000), 2_000)); // per iteration of two awaits
    }
}
