namespace Asyncio.Tests.Diagnostics;

public class TaskDumpTests : LoopTest
{
    [Fact]
    public void DumpTasks_ShowsEachTaskAndTheChainOfAwaits()
    {
        var loop = NewLoop();
        var gate = loop.CreateFuture<int>();
        var inner = loop.CreateTask(async () => await gate, "inner");
        var outer = loop.CreateTask(async () => await inner, "outer");
        var sleeper = loop.CreateTask(async () => await loop.Sleep(100), "sleeper");
        loop.CallLater(2, loop.Stop);
        loop.RunForever();

        var dump = new StringWriter { NewLine = "\n" };
        loop.DumpTasks(dump);

        Assert.Equal(
            "3 pending tasks at loop time 2\n" +
            "  inner: waits on <Future pending>\n" +
            "  outer: waits on <LoopTask pending name='inner' wait_for=<Future pending>> -> <Future pending>\n" +
            "  sleeper: waits on <Future pending>\n",
            dump.ToString());
        var snapshot = loop.SnapshotTasks();
        Assert.Equal(["inner", "outer", "sleeper"], snapshot.Select(s => s.Name));
        Assert.Equal(3, snapshot[1].Chain.Count);
        Assert.Null(snapshot[0].WaitingSeconds);
        gate.SetResult(1);
        loop.RunUntilComplete(outer);
        sleeper.Cancel();
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(sleeper));
    }

    [Fact]
    public void DumpTasks_InDebugMode_ShowsHowLongAndWhereCreated()
    {
        var loop = NewLoop();
        loop.Debug = true;
        loop.SlowCallbackDuration = 1000;
        var task = loop.CreateTask(async () => await loop.Sleep(100), "sleeper");
        loop.CallLater(2.5, loop.Stop);
        loop.RunForever();

        var snapshot = Assert.Single(loop.SnapshotTasks());
        Assert.Equal(2.5, snapshot.WaitingSeconds);
        Assert.Contains(nameof(DumpTasks_InDebugMode_ShowsHowLongAndWhereCreated), snapshot.CreatedAt);
        var dump = new StringWriter();
        loop.DumpTasks(dump);
        Assert.Contains("sleeper: waits on <Future pending> for 2.5 s", dump.ToString());
        Assert.Contains("created at:", dump.ToString());
        task.Cancel();
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
    }

    [Fact]
    public void Deadlock_ReportsTheChainBackToTheRoot()
    {
        var loop = NewLoop();
        var never = loop.CreateFuture<int>();
        var a = loop.CreateTask(async () => await never, "a");
        var b = loop.CreateTask(async () => await a, "b");
        var e = Assert.Throws<DeadlockError>(() => loop.RunUntilComplete(b));
        Assert.Contains("  a: waits on <Future pending>", e.Message);
        Assert.Contains("  b: waits on <LoopTask pending name='a' wait_for=<Future pending>> -> <Future pending>", e.Message);
        a.Cancel();
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(b));
    }
}

public class TaskDumpOfPrimitivesTests : LoopTest
{
    [Fact]
    public void Deadlock_NamesTheLockATaskWaitsOn()
    {
        var loop = NewLoop();
        var gate = new AsyncLock();
        var holder = loop.CreateTask(async () => { await gate.AcquireAsync(); await loop.CreateFuture<int>(); }, "holder");
        var waiter = loop.CreateTask(async () => { await gate.AcquireAsync(); }, "waiter");
        var e = Assert.Throws<DeadlockError>(() => loop.RunUntilComplete(waiter));
        Assert.Contains("  waiter: waits on <AsyncLock", e.Message);
        holder.Cancel();
        waiter.Cancel();
        loop.RunUntilComplete(loop.Gather([holder, waiter], returnExceptions: true));
    }
}
