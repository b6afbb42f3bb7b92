namespace Asyncio.Tests.Core;

/// <summary>Names in reprs and reports read as asyncio prints them: the callback with its arguments, and Python's qualified names for local functions and lambdas, never the compiler's.</summary>
public class ReprTests : LoopTest
{
    private static void Bad(int value) => throw new InvalidOperationException("bad " + value);

    private static void Print(string text)
    {
    }

    private static void OnDone(Future future) => throw new InvalidOperationException("done");

    [Fact]
    public void Handle_WithState_ShowsTheCallbackWithItsArgument()
    {
        var loop = NewLoop();
        Assert.Equal("<Handle Bad(1)>", loop.CallSoon(Bad, 1).ToString());
        Assert.Equal("<Handle Print('x')>", loop.CallSoon(Print, "x").ToString());
        Assert.Equal("<TimerHandle when=2.5 Bad(7)>", loop.CallLater(2.5, Bad, 7).ToString());
    }

    [Fact]
    public void Handle_LocalFunctionAndLambda_ReadAsPythonQualifiedNames()
    {
        var loop = NewLoop();
        int calls = 0;
        void Cb() => calls++;

        Assert.Equal($"<Handle {nameof(Handle_LocalFunctionAndLambda_ReadAsPythonQualifiedNames)}.<locals>.Cb()>", loop.CallSoon(Cb).ToString());
        Assert.Equal($"<Handle {nameof(Handle_LocalFunctionAndLambda_ReadAsPythonQualifiedNames)}.<locals>.<lambda>()>",
            loop.CallSoon(() => calls++).ToString());
    }

    [Fact]
    public void DoneCallbackThatThrows_IsReportedWithItsFuture()
    {
        var loop = NewLoop();
        var future = loop.CreateFuture<object?>();
        future.AddDoneCallback(OnDone);
        future.SetResult(null);
        RunOnce(loop);

        var report = Assert.Single(TakeReports());
        Assert.Equal("Exception in callback OnDone(<Future finished result=None>)", report.Message);
    }

    [Fact]
    public void CallbackThatThrows_IsReportedWithItsArgument()
    {
        var loop = NewLoop();
        loop.CallSoon(Bad, 1);
        RunOnce(loop);

        var report = Assert.Single(TakeReports());
        Assert.Equal("Exception in callback Bad(1)", report.Message);
        Assert.Equal("<Handle Bad(1)>", report.Handle!.ToString());
    }
}
