using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/96-99: each mirrors its Python program line by line.
internal static class T96_LoopLifecycle
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    [Transcript("96_run_until_complete_after_stop")]
    public static void RunUntilCompleteAfterStop(TextWriter o)
    {
        void Print(string s) => o.Print(s);

        async Task<int> TwoSteps()
        {
            o.Print("two_steps: step 1");
            await Sleep(0);
            o.Print("two_steps: step 2");
            return 2;
        }

        var loop = new EventLoop(Virtual);
        var t = loop.CreateTask(() => TwoSteps());
        loop.Stop();
        try
        {
            loop.RunUntilComplete(t);
        }
        catch (InvalidOperationException e)
        {
            o.Print("RuntimeError:", e);
        }
        o.Print("task done:", t.Done);
        o.Print("second run:", loop.RunUntilComplete(t));
        var f = loop.CreateFuture<string>();
        f.SetResult("ready");
        loop.CallSoon(Print, "queued callback runs too");
        o.Print("done future:", loop.RunUntilComplete(f));
        loop.Close();
    }

    [Transcript("97_close_with_pending_callbacks")]
    public static void CloseWithPendingCallbacks(TextWriter o)
    {
        void Print(string s) => o.Print(s);

        var loop = new EventLoop(Virtual);
        var h = loop.CallLater(0.1, Print, "never: call_later");

        void First()
        {
            o.Print("first iteration");
            loop.CallSoon(Print, "never: queued for the next iteration");
            loop.Stop();
        }

        loop.CallSoon(First);
        loop.RunForever();
        o.Print("closed before close():", loop.IsClosed);
        loop.Close();
        o.Print("closed:", loop.IsClosed, "timer cancelled:", h.Cancelled);
        foreach (var (name, call) in new (string, Action)[] {
                     ("call_soon", () => loop.CallSoon(Print, "x")),
                     ("call_later", () => loop.CallLater(1, Print, "x")),
                     ("call_at", () => loop.CallAt(1, Print, "x")),
                     ("run_forever", loop.RunForever) })
        {
            try
            {
                call();
            }
            catch (InvalidOperationException e)
            {
                o.Print(name, "RuntimeError:", e);
            }
        }
        loop.Close();
        o.Print("second close() is fine");
    }

    [Transcript("98_is_running_in_callbacks")]
    public static void IsRunningInCallbacks(TextWriter o)
    {
        var loop = new EventLoop(Virtual);

        void Handler(EventLoop lp, ExceptionContext context) =>
            o.Print("handler:", TypeName(context.Exception), context.Exception);

        void Cb()
        {
            o.Print("in callback, running:", loop.IsRunning);
            var f = loop.CreateFuture<object?>();
            try
            {
                loop.RunUntilComplete(f);
            }
            catch (InvalidOperationException e)
            {
                o.Print("run_until_complete inside:", e);
            }
            f.Cancel();
            loop.Close();
        }

        async Task<string> TaskBody()
        {
            o.Print("in task, running:", loop.IsRunning);
            loop.CallSoon(Cb);
            await Sleep(0);
            await Sleep(0);
            return "task done";
        }

        loop.SetExceptionHandler(Handler);
        o.Print("before run, running:", loop.IsRunning);
        o.Print(loop.RunUntilComplete(() => TaskBody()));
        o.Print("after run, running:", loop.IsRunning, "closed:", loop.IsClosed);
        loop.Close();
    }

    [Transcript("99_asyncio_run_closes_loop")]
    public static void AsyncioRunClosesLoop(TextWriter o)
    {
        void Print(string s) => o.Print(s);
        var captured = new List<EventLoop>();

        async Task<string> Main()
        {
            var loop = EventLoop.GetRunningLoop();
            captured.Add(loop);
            loop.CallSoon(Print, "callback inside run");
            await Sleep(0.1);
            loop.CallLater(5, Print, "never: timer left pending");
            return "main result";
        }

        o.Print(EventLoop.Run(() => Main(), Virtual));
        var loop = captured[0];
        o.Print("running:", loop.IsRunning, "closed:", loop.IsClosed);
        try
        {
            loop.CallSoon(Print, "x");
        }
        catch (InvalidOperationException e)
        {
            o.Print("call_soon:", e);
        }
        try
        {
            loop.RunUntilComplete(loop.CreateFuture<object?>());
        }
        catch (InvalidOperationException e)
        {
            o.Print("run_until_complete:", e);
        }
        try
        {
            EventLoop.GetRunningLoop();
        }
        catch (InvalidOperationException e)
        {
            o.Print("get_running_loop:", e);
        }
    }
}
