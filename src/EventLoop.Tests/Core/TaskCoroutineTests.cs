namespace Asyncio.Tests.Core;

/// <summary><see cref="LoopTask.GetCoro"/>: asyncio's <c>task.get_coro()</c>, whose repr names the method.</summary>
public class TaskCoroutineTests : LoopTest
{
    private static async Task Worker(EventLoop loop) => await loop.Sleep(0);

    private static async Coroutine<int> Counted(EventLoop loop)
    {
        await loop.Sleep(0);
        return 1;
    }

    [Fact]
    public void GetCoro_OfALambdaTask_IsTheFunctionUntilItRuns_ThenTheMethodItStarted()
    {
        var loop = NewLoop();
        Func<Task> function = () => Worker(loop);
        var task = loop.CreateTask(function);

        var before = task.GetCoro();
        Assert.Same(function, before.Function);
        Assert.Equal("<coroutine object GetCoro_OfALambdaTask_IsTheFunctionUntilItRuns_ThenTheMethodItStarted.<locals>.<lambda>>", before.ToString());
        loop.RunUntilComplete(task);
        var after = task.GetCoro();

        // As Python's create_task(worker()): the coroutine is the method the function started.
        // The function itself is not kept once it ran: holding it cost every task 8 bytes.
        Assert.Null(after.Function);
        Assert.Equal(before, after);
        Assert.Equal("<coroutine object Worker>", after.ToString());
    }

    [Fact]
    public void GetCoro_OfAnAsyncMethodGroup_IsNamedAfterTheMethod()
    {
        var loop = NewLoop();
        async Task Child() => await loop.Sleep(0);

        var task = loop.CreateTask(Child);
        loop.RunUntilComplete(task);

        Assert.Equal("<coroutine object GetCoro_OfAnAsyncMethodGroup_IsNamedAfterTheMethod.<locals>.Child>", task.GetCoro().ToString());
        Assert.Equal("GetCoro_OfAnAsyncMethodGroup_IsNamedAfterTheMethod.<locals>.Child", task.GetCoro().Name);
    }

    [Fact]
    public void GetCoro_OfACoroutineTask_IsTheCoroutinesRepr_AfterItIsDone()
    {
        var loop = NewLoop();
        var coroutine = Counted(loop);
        var task = loop.CreateTask(coroutine);

        Assert.Equal(1, loop.RunUntilComplete(task));

        Assert.Null(task.GetCoro().Function);
        Assert.Equal(coroutine.ToString(), task.GetCoro().ToString());
        Assert.Equal("<coroutine object Counted>", task.GetCoro().ToString());
    }

    [Fact]
    public void GetCoro_TwoTasksOfTheSameFunction_AreNotEqual()
    {
        var loop = NewLoop();
        Func<Task> function = () => Worker(loop);

        var a = loop.CreateTask(function);
        var b = loop.CreateTask(function);
        loop.RunUntilComplete(async () => await loop.Gather(a, b));

        // Two tasks, two coroutines, as Python's two calls make; one task's answers are equal.
        Assert.NotEqual(a.GetCoro(), b.GetCoro());
        Assert.Equal(a.GetCoro(), a.GetCoro());
        Assert.NotEqual(a.GetCoro(), loop.CreateTask(() => Worker(loop)).GetCoro());
        loop.RunUntilComplete(async () => await loop.Sleep(0));
    }
}
