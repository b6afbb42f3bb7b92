using static Asyncio.Tests.Transcripts.PyExtra;
using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/70-75: each mirrors its Python program line by line.
internal static class T70_CancelRacesAndGather
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    [Transcript("70_catch_cancel_and_await_again")]
    public static void CatchCancelAndAwaitAgain(TextWriter o)
    {
        async Task<string> CleanupWorker(EventLoop loop, double t0)
        {
            try
            {
                await Sleep(10);
            }
            catch (CancelledError)
            {
                o.Print("caught at", Py.Round(loop.Time() - t0, 1));
                await Sleep(0.3);
                o.Print("cleanup slept until", Py.Round(loop.Time() - t0, 1));
                await Sleep(0);
                return "cleaned up";
            }
            return "never";
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();
            var t = loop.CreateTask(() => CleanupWorker(loop, t0));
            await Sleep(0.2);
            t.Cancel();
            o.Print("result:", await t, "at", Py.Round(loop.Time() - t0, 1));
            o.Print("cancelled:", t.Cancelled, "cancelling:", t.Cancelling);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("71_cancel_while_awaiting_gather")]
    public static void CancelWhileAwaitingGather(TextWriter o)
    {
        async Task<string> Child(string name, double d)
        {
            try
            {
                await Sleep(d);
                return name;
            }
            catch (CancelledError e)
            {
                o.Print(name, "cancelled", Py.Args(e));
                throw;
            }
        }

        async Task<string[]> Parent(List<LoopTask<string>> children)
        {
            try
            {
                return await EventLoop.GetRunningLoop().Gather<string>(children.ToArray());
            }
            catch (CancelledError e)
            {
                o.Print("parent got", Py.Args(e));
                throw;
            }
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var kids = new[] { ("a", 0.1), ("b", 1.0), ("c", 2.0) }.Select(p => loop.CreateTask(() => Child(p.Item1, p.Item2))).ToList();
            var p = loop.CreateTask(() => Parent(kids));
            await Sleep(0.2);
            o.Print("cancel parent ->", p.Cancel("shutdown"));
            try
            {
                await p;
            }
            catch (CancelledError)
            {
                o.Print("parent cancelled:", p.Cancelled);
            }
            o.Print(kids.Select(k => k.Cancelled).ToList(), kids[0].Result());
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("72_cancel_racing_completion")]
    public static void CancelRacingCompletion(TextWriter o)
    {
        async Task Waiter(Future<string> fut)
        {
            try
            {
                var r = await fut;
                o.Print("waiter got", r);
            }
            catch (CancelledError)
            {
                o.Print("waiter got CancelledError although fut has", fut.Result());
                throw;
            }
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var fut = loop.CreateFuture<string>();
            var t = loop.CreateTask(() => Waiter(fut));
            await Sleep(0);
            fut.SetResult("value");
            o.Print("cancel ->", t.Cancel());
            try
            {
                await t;
            }
            catch (CancelledError)
            {
                o.Print("task cancelled:", t.Cancelled);
            }
            var fut2 = loop.CreateFuture<string>();
            var t2 = loop.CreateTask(() => Waiter(fut2));
            await Sleep(0);
            o.Print("cancel ->", t2.Cancel(), "fut2 cancelled:", fut2.Cancelled);
            try
            {
                fut2.SetResult("late");
            }
            catch (InvalidStateError)
            {
                o.Print("set_result on cancelled fut2: InvalidStateError");
            }
            await loop.Gather(new Future[] { t2 }, returnExceptions: true);
            o.Print("t2 cancelled:", t2.Cancelled);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("73_nested_gather")]
    public static void NestedGather(TextWriter o)
    {
        async Task<T> Val<T>(T x, double d)
        {
            await Sleep(d);
            o.Print("val", x, "done");
            return x;
        }

        async Task Boom(double d)
        {
            await Sleep(d);
            throw new ArgumentException("deep");
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var inner = loop.Gather(() => Val(1, 0.2), () => Val(2, 0.1));
            var r = await loop.Gather(new Future[] { inner, loop.CreateTask(() => Val(3, 0.3)) });
            o.Print("nested result:", r);
            var slow = loop.CreateTask(() => Val("slow", 0.5));
            try
            {
                var inner2 = loop.Gather(new Future[] { loop.CreateTask(() => Boom(0.2)), slow });
                await loop.Gather(new Future[] { loop.CreateTask(() => Val(4, 0.1)), inner2 });
            }
            catch (ArgumentException e)
            {
                o.Print("outer gather raised", ExcRepr(e), "slow done:", slow.Done);
            }
            o.Print("slow result:", await slow);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("74_gather_cancel_return_exceptions")]
    public static void GatherCancelReturnExceptions(TextWriter o)
    {
        async Task<string> Child(string name, double d)
        {
            await Sleep(d);
            return name;
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var a = loop.CreateTask(() => Child("a", 0.1));
            var b = loop.CreateTask(() => Child("b", 0.2));
            var g = loop.Gather(new Future[] { a, b }, returnExceptions: true);
            await Sleep(0);
            b.Cancel();
            var res = await g;
            o.Print("child cancelled:", res.Select(TypeName).ToList());
            var c = loop.CreateTask(() => Child("c", 0.1));
            var d = loop.CreateTask(() => Child("d", 0.2));
            var g2 = loop.Gather(new Future[] { c, d }, returnExceptions: true);
            await Sleep(0);
            o.Print("g2.cancel() ->", g2.Cancel());
            try
            {
                o.Print("not printed", await g2);
            }
            catch (CancelledError)
            {
                o.Print("outer cancelled: CancelledError raised");
            }
            o.Print("c, d cancelled:", c.Cancelled, d.Cancelled, "g2 cancelled:", g2.Cancelled);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("75_gather_duplicates_and_failed_child")]
    public static void GatherDuplicatesAndFailedChild(TextWriter o)
    {
        async Task<int> Val(int x)
        {
            await Sleep(0.1);
            return x;
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var t = loop.CreateTask(() => Val(1));
            var u = loop.CreateTask(() => Val(2));
            o.Print("duplicates:", await loop.Gather<int>(t, u, t));
            var bad = loop.CreateFuture<string>();
            bad.SetException(new ArgumentException("early"));
            var ok = loop.CreateFuture<string>();
            ok.SetResult("fine");
            var g = loop.Gather<string>(ok, bad);
            o.Print("gather of done futures is done at once:", g.Done);
            try
            {
                await g;
            }
            catch (ArgumentException e)
            {
                o.Print("raised", ExcRepr(e));
            }
            var pending = loop.CreateFuture<string>();
            var g2 = loop.Gather<string>(bad, pending);
            o.Print("with a pending child, done:", g2.Done);
            await Sleep(0);
            o.Print("after one iteration, done:", g2.Done, "exception:", ExcRepr(g2.Exception()!));
            pending.Cancel();
            o.Print("empty gather:", await loop.Gather(new List<Future>()));
        }

        EventLoop.Run(() => Main(), Virtual);
    }
}
