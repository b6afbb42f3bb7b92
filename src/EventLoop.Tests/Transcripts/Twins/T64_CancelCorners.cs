using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/64-69: each mirrors its Python program line by line.
internal static class T64_CancelCorners
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    [Transcript("64_cancel_msg_nested_awaits")]
    public static void CancelMsgNestedAwaits(TextWriter o)
    {
        async Task Level3()
        {
            try
            {
                await Sleep(10);
            }
            catch (CancelledError e)
            {
                o.Print("level3 got", Py.Args(e));
                throw;
            }
        }

        async Task Level2()
        {
            try
            {
                await Level3();
            }
            catch (CancelledError e)
            {
                o.Print("level2 got", Py.Args(e));
                throw;
            }
        }

        async Task Level1()
        {
            try
            {
                await Level2();
            }
            finally
            {
                o.Print("level1 finally");
            }
        }

        async Task Main()
        {
            var t = EventLoop.GetRunningLoop().CreateTask(() => Level1());
            await Sleep(0);
            o.Print("cancel ->", t.Cancel("stop now"));
            try
            {
                await t;
            }
            catch (CancelledError e)
            {
                o.Print("main got", Py.Args(e), "cancelled:", t.Cancelled);
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("65_cancel_awaiting_swallowing_task")]
    public static void CancelAwaitingSwallowingTask(TextWriter o)
    {
        async Task<string> Swallower()
        {
            try
            {
                await Sleep(10);
            }
            catch (CancelledError)
            {
                o.Print("swallower swallowed the cancel");
            }
            return "inner value";
        }

        async Task<string> Outer(LoopTask<string> t)
        {
            var r = await t;
            o.Print("outer got", r, "cancelling:", CurrentTask()!.Cancelling);
            await Sleep(0.1);
            o.Print("outer slept normally");
            return "outer value";
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var inner = loop.CreateTask(() => Swallower());
            var ot = loop.CreateTask(() => Outer(inner));
            await Sleep(0);
            o.Print("cancel outer ->", ot.Cancel());
            o.Print("result:", await ot);
            o.Print("outer cancelled:", ot.Cancelled, "inner cancelled:", inner.Cancelled);
            o.Print("outer cancelling:", ot.Cancelling);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("66_cancelled_task_several_awaiters")]
    public static void CancelledTaskSeveralAwaiters(TextWriter o)
    {
        async Task Victim() => await Sleep(10);

        async Task Waiter(string name, LoopTask t)
        {
            try
            {
                await t;
            }
            catch (CancelledError e)
            {
                o.Print(name, "got CancelledError", Py.Args(e));
            }
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var t = loop.CreateTask(() => Victim());
            var ws = new[] { "w1", "w2", "w3" }.Select(n => loop.CreateTask(() => Waiter(n, t))).ToList();
            await Sleep(0);
            t.Cancel("bye");
            await loop.Gather(ws);
            o.Print("victim cancelled:", t.Cancelled);
            try
            {
                t.Result();
            }
            catch (CancelledError e)
            {
                o.Print("result() afterwards", Py.Args(e));
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("67_cancel_during_first_step")]
    public static void CancelDuringFirstStep(TextWriter o)
    {
        async Task SelfCancelThenAwait()
        {
            o.Print("A starts, cancel ->", CurrentTask()!.Cancel("self"));
            o.Print("A still runs until it awaits");
            try
            {
                await Sleep(0);
            }
            catch (CancelledError e)
            {
                o.Print("A got CancelledError", Py.Args(e));
                throw;
            }
        }

#pragma warning disable CS1998 // Python's coroutine that returns without awaiting.
        async Task<string> SelfCancelThenReturn()
        {
            CurrentTask()!.Cancel();
            o.Print("B returns without awaiting");
            return "B value";
        }
#pragma warning restore CS1998

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var a = loop.CreateTask(() => SelfCancelThenAwait());
            var b = loop.CreateTask(() => SelfCancelThenReturn());
            await Sleep(0);
            o.Print("after one iteration: a done", a.Done, "b done", b.Done);
            await Sleep(0);
            o.Print("a cancelled:", a.Cancelled, "b cancelled:", b.Cancelled);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("68_uncancel_does_not_undo_delivered_cancel")]
    public static void UncancelDoesNotUndoDeliveredCancel(TextWriter o)
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
                o.Print("worker got CancelledError, cancelling:", me.Cancelling);
            }
            await Sleep(0.1);
            o.Print("worker slept again, cancelling:", me.Cancelling);
            return "ok";
        }

        async Task Main()
        {
            var t = EventLoop.GetRunningLoop().CreateTask(() => Worker());
            await Sleep(0);
            o.Print("cancel ->", t.Cancel(), "cancelling:", t.Cancelling);
            o.Print("uncancel ->", t.Uncancel(), "cancelling:", t.Cancelling);
            o.Print("result:", await t, "cancelled:", t.Cancelled);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("69_double_cancel_messages")]
    public static void DoubleCancelMessages(TextWriter o)
    {
        async Task Sleeper()
        {
            try
            {
                await Sleep(10);
            }
            catch (CancelledError e)
            {
                o.Print("sleeper got", Py.Args(e), "cancelling:", CurrentTask()!.Cancelling);
                throw;
            }
        }

        async Task Main()
        {
            var t = EventLoop.GetRunningLoop().CreateTask(() => Sleeper());
            await Sleep(0);
            o.Print("cancel('first') ->", t.Cancel("first"));
            o.Print("cancel('second') ->", t.Cancel("second"));
            o.Print("cancelling:", t.Cancelling);
            try
            {
                await t;
            }
            catch (CancelledError e)
            {
                o.Print("main got", Py.Args(e));
            }
            o.Print("cancel() on done ->", t.Cancel("third"), "cancelling:", t.Cancelling);
        }

        EventLoop.Run(() => Main(), Virtual);
    }
}
