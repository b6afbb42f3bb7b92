using static Asyncio.Tests.Transcripts.PyExtra;
using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/93-95: each mirrors its Python program line by line.
internal static class T93_HandlerAndStop
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    [Transcript("93_call_exception_handler_custom_context")]
    public static void CallExceptionHandlerCustomContext(TextWriter o)
    {
        void Handler(EventLoop loop, ExceptionContext context)
        {
            var exc = context.Exception;
            o.Print("handler:", context.Message, "|", Py.Sorted(context.Keys), "|", exc is null ? "None" : ExcRepr(exc),
                    "| future done:", context.Future is not null ? context.Future.Done : null);
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            Action<EventLoop, ExceptionContext> handler = Handler;
            loop.SetExceptionHandler(handler);
            var f = loop.CreateFuture<int>();
            f.SetResult(1);
            loop.CallExceptionHandler(new ExceptionContext("custom report") { Exception = new ArgumentException("v"), Future = f });
            loop.CallExceptionHandler(new ExceptionContext("message only"));
            o.Print("handler is set:", ReferenceEquals(loop.GetExceptionHandler(), handler));
            loop.CallSoon(loop.CallExceptionHandler, new ExceptionContext("from a callback"));
            await Sleep(0);
            loop.SetExceptionHandler(null);
            o.Print("handler after None:", loop.GetExceptionHandler());
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("94_callback_raising_reported_in_order")]
    public static void CallbackRaisingReportedInOrder(TextWriter o)
    {
        void Handler(EventLoop loop, ExceptionContext context) =>
            o.Print("  handler:", TypeName(context.Exception), "| running:", loop.IsRunning);

        void RaiseCancelled()
        {
            o.Print("cb raising CancelledError");
            throw new CancelledError();
        }

        void DoneCb(Future fut)
        {
            o.Print("done_cb raising KeyError");
            throw new KeyNotFoundException("k");
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            loop.SetExceptionHandler(Handler);
            loop.CallSoon(RaiseCancelled);
            loop.CallSoon(s => o.Print(s), "after cb");
            var f = loop.CreateFuture<object?>();
            f.AddDoneCallback(DoneCb);
            f.AddDoneCallback(_ => o.Print("second done-callback"));
            f.SetResult(null);
            await Sleep(0);
            o.Print("main resumed");
            await Sleep(0);
            o.Print("main survived");
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("95_stop_inside_task")]
    public static void StopInsideTask(TextWriter o)
    {
        void Print(string s) => o.Print(s);

        async Task<string> Worker(EventLoop loop, double t0)
        {
            o.Print("worker step 1, stopping the loop");
            loop.Stop();
            loop.CallSoon(Print, "call_soon after stop: runs next time");
            await Sleep(0.1);
            o.Print("worker step 2 at", Py.Round(loop.Time() - t0, 1));
            return "worker done";
        }

        var loop = new EventLoop(Virtual);
        double t0 = loop.Time();
        var t = loop.CreateTask(() => Worker(loop, t0));
        loop.CallSoon(Print, "callback queued behind the task: still runs");
        loop.RunForever();
        o.Print("run_forever returned, task done:", t.Done, "running:", loop.IsRunning);
        o.Print(loop.RunUntilComplete(t));
        loop.Close();
    }
}
