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
    public void GetCoro_OfALambdaTask_KeepsTheDelegate_BeforeAndAfterItRuns()
    {
        var loop = NewLoop();
        Func<Task> function = () => Worker(loop);
        var task = loop.CreateTask(function);

        var before = task.GetCoro();
        loop.RunUntilComplete(task);
        var after = task.GetCoro();

        Assert.Same(function, before.Function);
        Assert.Same(function, after.Function);
        Assert.Equal(before, after);
        Assert.Equal("<coroutine object GetCoro_OfALambdaTask_KeepsTheDelegate_BeforeAndAfterItRuns.<locals>.<lambda>>", after.ToString());
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

        // The same delegate object twice: equal, as it is one function (Python's two calls would make two coroutines).
        Assert.Equal(a.GetCoro(), b.GetCoro());
        Assert.NotEqual(a.GetCoro(), loop.CreateTask(() => Worker(loop)).GetCoro());
        loop.RunUntilComplete(async () => await loop.Sleep(0));
    }
}
