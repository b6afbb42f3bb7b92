namespace Asyncio.Tests.Core;

public class FutureTests : LoopTest
{
    [Fact]
    public void SetResult_DoneCallbacks_AreScheduledNotInline_InOrderAdded()
    {
        var log = new List<string>();
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        f.AddDoneCallback(_ => log.Add("cb1"));
        f.AddDoneCallback(_ => log.Add("cb2"));
        f.AddDoneCallback(_ => log.Add("cb3"));
        loop.CallSoon(() =>
        {
            log.Add("before");
            f.SetResult(5);
            log.Add("after");
        });

        RunOnce(loop);
        Assert.Equal(["before", "after"], log);
        RunOnce(loop);
        Assert.Equal(["before", "after", "cb1", "cb2", "cb3"], log);
    }

    [Fact]
    public void AddDoneCallback_OnDoneFuture_IsScheduledWithCallSoon()
    {
        var log = new List<string>();
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        f.SetResult(1);
        f.AddDoneCallback(g => log.Add($"cb {((Future<int>)g).Result()}"));
        Assert.Empty(log);
        RunOnce(loop);
        Assert.Equal(["cb 1"], log);
    }

    [Fact]
    public void RemoveDoneCallback_RemovesEveryRegistration_KeepsOrderOfTheRest()
    {
        var log = new List<string>();
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        Action<Future> a = _ => log.Add("a"), b = _ => log.Add("b"), c = _ => log.Add("c");
        f.AddDoneCallback(a);
        f.AddDoneCallback(b);
        f.AddDoneCallback(a);
        f.AddDoneCallback(c);
        Assert.Equal(2, f.RemoveDoneCallback(a));
        Assert.Equal(0, f.RemoveDoneCallback(a));
        f.AddDoneCallback(a);
        f.SetResult(0);
        RunOnce(loop);
        Assert.Equal(["b", "c", "a"], log);
    }

    [Fact]
    public void Cancel_WithMessage_IsSeenByResultAndAwaiters()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        Assert.True(f.Cancel("stop"));
        Assert.False(f.Cancel("again"));
        Assert.True(f.Cancelled);
        Assert.True(f.Done);
        Assert.Equal(FutureState.Cancelled, f.State);
        Assert.Equal("stop", Assert.Throws<CancelledError>(() => f.Result()).CancelMessage);
        Assert.Equal("stop", Assert.Throws<CancelledError>(() => f.Exception()).CancelMessage);
    }

    [Fact]
    public void SetException_ResultRethrowsTheSameException()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        var error = new KeyNotFoundException("k");
        f.SetException(error);
        Assert.Same(error, f.Exception());
        Assert.Same(error, Assert.Throws<KeyNotFoundException>(() => f.Result()));
        Assert.Equal("<Future finished exception=KeyNotFoundException('k')>", f.ToString());
    }

    [Fact]
    public void Await_PendingFuture_ResumesOneIterationAfterCompletion()
    {
        var log = new List<string>();
        var loop = NewLoop();
        var f = loop.CreateFuture<string>();
        loop.CreateTask(async () => log.Add("got " + await f));
        RunOnce(loop); // the task starts and suspends on f
        loop.CallSoon(() => { f.SetResult("x"); log.Add("set"); });
        RunOnce(loop);
        Assert.Equal(["set"], log);
        RunOnce(loop);
        Assert.Equal(["set", "got x"], log);
    }

    [Fact]
    public void Await_DoneFuture_DoesNotSuspend()
    {
        var log = new List<string>();
        var loop = NewLoop();
        var f = loop.CreateFuture<int>();
        f.SetResult(3);
        loop.CreateTask(async () => { log.Add("start"); log.Add($"got {await f}"); });
        loop.CallSoon(() => log.Add("other"));
        RunOnce(loop);
        Assert.Equal(["start", "got 3", "other"], log);
    }

    [Fact]
    public void Future_WithoutLoopArgument_UsesTheRunningLoop()
    {
        var loop = NewLoop();
        Future<int>? made = null;
        loop.CallSoon(() => made = new Future<int>());
        RunOnce(loop);
        Assert.Same(loop, made!.Loop);
        Assert.Throws<InvalidOperationException>(() => new Future<int>());
    }

    [Fact]
    public void ToString_MirrorsAsyncioRepr()
    {
        var loop = NewLoop();
        var f = loop.CreateFuture<string>();
        Assert.Equal("<Future pending>", f.ToString());
        f.SetResult("a");
        Assert.Equal("<Future finished result='a'>", f.ToString());
        var g = loop.CreateFuture<double>();
        g.Cancel();
        Assert.Equal("<Future cancelled>", g.ToString());
    }
}
