using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/19-21: each mirrors its Python program line by line.
internal static class T19_Cancellation
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    [Transcript("19_task_cancelling_uncancel")]
    public static void TaskCancellingUncancel(TextWriter o)
    {
        async Task<string> Worker()
        {
            var me = CurrentTask()!;
            try
            {
                await Sleep(10);
            }
            catch (CancelledError)
            {
                o.Print("worker caught, cancelling():", me.Cancelling);
                o.Print("uncancel() ->", me.Uncancel());
                o.Print("uncancel() ->", me.Uncancel());
            }
            await Sleep(0);
            o.Print("worker continues, cancelling():", me.Cancelling);
            return "done";
        }

        async Task Main()
        {
            var t = EventLoop.GetRunningLoop().CreateTask(() => Worker());
            await Sleep(0);
            o.Print("cancelling() before:", t.Cancelling);
            o.Print("cancel() ->", t.Cancel(), "cancelling():", t.Cancelling);
            o.Print("cancel() ->", t.Cancel(), "cancelling():", t.Cancelling);
            o.Print("result:", await t, "cancelled:", t.Cancelled);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("20_cancel_propagates_to_awaited_task")]
    public static void CancelPropagatesToAwaitedTask(TextWriter o)
    {
        async Task Inner()
        {
            try
            {
                await Sleep(10);
            }
            catch (CancelledError)
            {
                o.Print("inner cancelled");
                throw;
            }
        }

        async Task Outer(LoopTask innerTask)
        {
            try
            {
                await innerTask;
            }
            catch (CancelledError)
            {
                o.Print("outer cancelled");
                throw;
            }
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var it = loop.CreateTask(() => Inner());
            var ot = loop.CreateTask(() => Outer(it));
            await Sleep(0);
            o.Print("cancel outer ->", ot.Cancel());
            o.Print("inner done right after:", it.Done);
            try
            {
                await ot;
            }
            catch (CancelledError)
            {
                o.Print("main: outer raised CancelledError");
            }
            o.Print("inner cancelled:", it.Cancelled, "outer cancelled:", ot.Cancelled);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("21_sleep0_interleave")]
    public static void Sleep0Interleave(TextWriter o)
    {
        async Task Worker(string name, int steps)
        {
            for (int i = 0; i < steps; i++)
            {
                o.Print(name, i);
                await Sleep(0);
            }
            o.Print(name, "finished");
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var a = loop.CreateTask(() => Worker("A", 4));
            var b = loop.CreateTask(() => Worker("B", 2));
            await a;
            await b;
        }

        EventLoop.Run(() => Main(), Virtual);
    }
}
