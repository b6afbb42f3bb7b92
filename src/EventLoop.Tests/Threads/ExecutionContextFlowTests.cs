namespace Asyncio.Tests.Threads;

/// <summary>AsyncLocal values flow into tasks as contextvars do in asyncio: a task runs in a copy of the context current at its creation.</summary>
public class ExecutionContextFlowTests : LoopTest
{
    private static readonly AsyncLocal<string?> s_var = new();

    // cpython: test_context.py / test_tasks.py::test_context_1 (a task sees the value at create_task)
    [Fact]
    public void CreateTask_SeesTheValueCurrentAtCreation_NotLaterChanges()
    {
        var loop = NewLoop();
        var seen = loop.RunUntilComplete(async () =>
        {
            s_var.Value = "at creation";
            var child = loop.CreateTask(async () =>
            {
                await loop.Sleep(1);
                return s_var.Value;
            });
            s_var.Value = "changed later";
            return await child;
        });
        Assert.Equal("at creation", seen);
    }

    [Fact]
    public void ChangesInsideATask_DoNotLeakToItsCreator()
    {
        var loop = NewLoop();
        var seen = loop.RunUntilComplete(async () =>
        {
            s_var.Value = "parent";
            await loop.CreateTask(async () =>
            {
                s_var.Value = "child";
                await loop.Sleep(0);
            });
            return s_var.Value;
        });
        Assert.Equal("parent", seen);
    }

    [Fact]
    public void TaskCreatedFromACallback_RunsInTheCallbacksContext_EvenWhenTheLoopThreadsContextDiffers()
    {
        var loop = NewLoop();
        string? seen = "unset";
        LoopTask? task = null;
        s_var.Value = null;
        loop.CallSoon(() =>
        {
            s_var.Value = "set in a callback"; // leaks into the loop thread's context
            task = loop.CreateTask(async () =>
            {
                await loop.Sleep(0);
                seen = s_var.Value;
            });
        });
        loop.CallSoon(() => s_var.Value = "another value on the loop thread");
        loop.CallLater(1, loop.Stop);
        loop.RunForever();
        Assert.True(task!.Done);
        Assert.Equal("set in a callback", seen);
    }

    [Fact]
    public void ValueSetInsideATask_PersistsAcrossItsAwaits()
    {
        var loop = NewLoop();
        var seen = loop.RunUntilComplete(async () =>
        {
            s_var.Value = "mine";
            await loop.Sleep(1);
            await loop.Sleep(0);
            return s_var.Value;
        });
        Assert.Equal("mine", seen);
    }
}
