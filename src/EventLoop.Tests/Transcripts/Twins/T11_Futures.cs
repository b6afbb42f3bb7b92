namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/11-13: each mirrors its Python program line by line.
internal static class T11_Futures
{
    private static readonly EventLoopOptions Virtual = new() { VirtualTime = true };

    [Transcript("11_future_callbacks_not_inline")]
    public static void FutureCallbacksNotInline(TextWriter o)
    {
        void Cb1(Future fut) => o.Print("cb1 sees", fut.Result());
        void Cb2(Future fut) => o.Print("cb2");
        void LateCb(Future fut) => o.Print("late_cb");

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var f = loop.CreateFuture<string>();
            f.AddDoneCallback(Cb1);
            f.AddDoneCallback(Cb2);
            o.Print("before set_result");
            f.SetResult("x");
            o.Print("after set_result");
            await loop.Sleep(0);
            o.Print("after sleep(0)");
            f.AddDoneCallback(LateCb);
            o.Print("added late_cb to done future");
            await loop.Sleep(0);
            o.Print("end");
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("12_remove_done_callback")]
    public static void RemoveDoneCallback(TextWriter o)
    {
        void CbA(Future fut) => o.Print("cb_a");
        void CbB(Future fut) => o.Print("cb_b");

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var f = loop.CreateFuture<object?>();
            f.AddDoneCallback(CbA);
            f.AddDoneCallback(CbB);
            f.AddDoneCallback(CbA);
            f.AddDoneCallback(CbB);
            o.Print("removed cb_a:", f.RemoveDoneCallback(CbA));
            o.Print("removed cb_a again:", f.RemoveDoneCallback(CbA));
            f.SetResult(null);
            o.Print("removed cb_b after set_result:", f.RemoveDoneCallback(CbB));
            await loop.Sleep(0);
            o.Print("end");
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("13_future_errors")]
    public static void FutureErrors(TextWriter o)
    {
        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var f = loop.CreateFuture<int>();
            try
            {
                f.Result();
            }
            catch (InvalidStateError e)
            {
                o.Print("result() pending:", Py.ExceptionTypeName(e), e);
            }
            try
            {
                f.Exception();
            }
            catch (InvalidStateError e)
            {
                o.Print("exception() pending:", Py.ExceptionTypeName(e), e);
            }
            f.SetResult(1);
            try
            {
                f.SetResult(2);
            }
            catch (InvalidStateError e)
            {
                o.Print("second set_result:", Py.ExceptionTypeName(e), Py.Str(e).Split(':')[0]);
            }
            try
            {
                f.SetException(new ArgumentException("x"));
            }
            catch (InvalidStateError e)
            {
                o.Print("set_exception on done:", Py.ExceptionTypeName(e), Py.Str(e).Split(':')[0]);
            }
            o.Print("result still:", f.Result(), "exception:", f.Exception());
            var c = loop.CreateFuture<object?>();
            o.Print("cancel():", c.Cancel(), "cancel() again:", c.Cancel());
            try
            {
                c.Result();
            }
            catch (CancelledError e)
            {
                o.Print("result() cancelled:", Py.ExceptionTypeName(e));
            }
            try
            {
                c.Exception();
            }
            catch (CancelledError e)
            {
                o.Print("exception() cancelled:", Py.ExceptionTypeName(e));
            }
            await Task.CompletedTask; // Python's main has no await either; keeps it an async method.
        }

        EventLoop.Run(() => Main(), Virtual);
    }
}
