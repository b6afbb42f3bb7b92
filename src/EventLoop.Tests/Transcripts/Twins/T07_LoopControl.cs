namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/07-10: each mirrors its Python program line by line.
internal static class T07_LoopControl
{
    private static EventLoop NewLoop() => new(new EventLoopOptions { VirtualTime = true });

    [Transcript("07_stop_from_callback")]
    public static void StopFromCallback(TextWriter o)
    {
        var loop = NewLoop();

        void LaterCb() => o.Print("later_cb: scheduled during the stopping iteration");

        void First()
        {
            o.Print("first: scheduling later_cb and calling stop()");
            loop.CallSoon(LaterCb);
            loop.Stop();
        }

        void Second() => o.Print("second: already queued, still runs");

        loop.CallSoon(First);
        loop.CallSoon(Second);
        loop.RunForever();
        o.Print("run_forever returned");
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        o.Print("run_forever returned again");
        loop.Close();
    }

    [Transcript("08_stop_before_run_forever")]
    public static void StopBeforeRunForever(TextWriter o)
    {
        var loop = NewLoop();

        void B() => o.Print("b (iteration 2)");

        void A()
        {
            o.Print("a (iteration 1)");
            loop.CallSoon(B);
        }

        loop.CallSoon(A);
        loop.Stop();
        loop.RunForever();
        o.Print("run_forever returned after one iteration");
        loop.Stop();
        loop.RunForever();
        o.Print("run_forever returned after one more iteration");
        loop.Close();
    }

    [Transcript("09_run_until_complete_result")]
    public static void RunUntilCompleteResult(TextWriter o)
    {
        async Task<int> Ok()
        {
            await EventLoop.GetRunningLoop().Sleep(0);
            return 42;
        }

        async Task Bad()
        {
            await EventLoop.GetRunningLoop().Sleep(0);
            throw new ArgumentException("boom");
        }

        var loop = NewLoop();
        o.Print("result:", loop.RunUntilComplete(() => Ok()));
        try
        {
            loop.RunUntilComplete(() => Bad());
        }
        catch (ArgumentException e)
        {
            o.Print("raised:", Py.ExceptionTypeName(e), e);
        }
        var fut = loop.CreateFuture<string>();
        loop.CallSoon(fut.SetResult, "from future");
        o.Print("future result:", loop.RunUntilComplete(fut));
        loop.Close();
    }

    [Transcript("10_run_until_complete_stopped")]
    public static void RunUntilCompleteStopped(TextWriter o)
    {
        async Task Slow()
        {
            o.Print("slow started");
            await EventLoop.GetRunningLoop().Sleep(10);
            o.Print("never printed");
        }

        var loop = NewLoop();
        var task = loop.CreateTask(() => Slow());
        loop.CallSoon(loop.Stop);
        try
        {
            loop.RunUntilComplete(task);
        }
        catch (InvalidOperationException e)
        {
            o.Print("RuntimeError:", e);
        }
        o.Print("task done:", task.Done);
        task.Cancel();
        try
        {
            loop.RunUntilComplete(task);
        }
        catch (CancelledError)
        {
            o.Print("task cancelled:", task.Cancelled);
        }
        loop.Close();
    }
}
