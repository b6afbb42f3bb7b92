using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/61-63: each mirrors its Python program line by line.
internal static class T61_FutureCorners
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    [Transcript("61_future_callback_added_in_callback")]
    public static void FutureCallbackAddedInCallback(TextWriter o)
    {
        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var f = loop.CreateFuture<int>();
            void Print(object? s) => o.Print(s);

            void Late(Future fut) => o.Print("late sees", fut.Result());

            void First(Future fut)
            {
                o.Print("first");
                fut.AddDoneCallback(Late);
                loop.CallSoon(Print, "call_soon from first");
            }

            void Second(Future fut) => o.Print("second");

            f.AddDoneCallback(First);
            f.AddDoneCallback(Second);
            loop.CallSoon(Print, "queued before set_result");
            f.SetResult(7);
            loop.CallSoon(Print, "queued after set_result");
            for (int i = 0; i < 3; i++)
            {
                o.Print("main iteration", i);
                await Sleep(0);
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("62_future_cancel_message_chain")]
    public static void FutureCancelMessageChain(TextWriter o)
    {
        async Task Inner(Future<object?> fut)
        {
            try
            {
                await fut;
            }
            catch (CancelledError e)
            {
                o.Print("inner got", Py.Args(e));
                throw;
            }
        }

        async Task Outer(LoopTask t)
        {
            try
            {
                await t;
            }
            catch (CancelledError e)
            {
                o.Print("outer got", Py.Args(e));
                throw;
            }
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var fut = loop.CreateFuture<object?>();
            var it = loop.CreateTask(() => Inner(fut));
            var ot = loop.CreateTask(() => Outer(it));
            await Sleep(0);
            o.Print("fut.cancel('from fut') ->", fut.Cancel("from fut"));
            try
            {
                await ot;
            }
            catch (CancelledError e)
            {
                o.Print("main got", Py.Args(e));
            }
            o.Print("states:", fut.Cancelled, it.Cancelled, ot.Cancelled);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("63_future_exception_after_cancel")]
    public static void FutureExceptionAfterCancel(TextWriter o)
    {
#pragma warning disable CS1998 // Python's coroutine that never awaits.
        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var f = loop.CreateFuture<int>();
            o.Print("cancel('why') ->", f.Cancel("why"), "done:", f.Done);
            foreach (var (name, call) in new (string, Action)[] { ("exception()", () => f.Exception()), ("result()", () => f.Result()) })
            {
                try
                {
                    call();
                }
                catch (CancelledError e)
                {
                    o.Print(name, "raised CancelledError", Py.Args(e));
                }
            }
            foreach (var (name, call) in new (string, Action)[] { ("set_result", () => f.SetResult(1)),
                                                                   ("set_exception", () => f.SetException(new ArgumentException())) })
            {
                try
                {
                    call();
                }
                catch (InvalidStateError e)
                {
                    o.Print(name, "raised InvalidStateError:", e);
                }
            }
            var g = loop.CreateFuture<int>();
            o.Print("cancel() without message ->", g.Cancel());
            try
            {
                g.Exception();
            }
            catch (CancelledError e)
            {
                o.Print("exception() raised CancelledError", Py.Args(e));
            }
        }
#pragma warning restore CS1998

        EventLoop.Run(() => Main(), Virtual);
    }
}
