using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/22-24: each mirrors its Python program line by line.
internal static class T22_Gather
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    [Transcript("22_gather_results_order")]
    public static void GatherResultsOrder(TextWriter o)
    {
        async Task<string> Job(string name, double delay)
        {
            await Sleep(delay);
            o.Print("finished", name);
            return name;
        }

        async Task<string> Fail(double delay)
        {
            await Sleep(delay);
            o.Print("failing");
            throw new ArgumentException("bad");
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            // Cast to object: a string[] passed alone would become print's params array.
            o.Print((object)await loop.Gather(() => Job("slow", 0.03), () => Job("fast", 0.01), () => Job("mid", 0.02)));
            var res = await loop.Gather(new Func<Task>[] { () => Job("a", 0.02), () => Fail(0.01), () => Job("b", 0) }, returnExceptions: true);
            o.Print(Py.Repr(res.Select(TypeName).ToList()));
            o.Print("exception message:", res[1]);
            o.Print("empty gather:", await loop.Gather(Array.Empty<Future>()));
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("23_gather_first_exception")]
    public static void GatherFirstException(TextWriter o)
    {
        async Task<string> Fail()
        {
            await Sleep(0.01);
            throw new ArgumentException("first failure");
        }

        async Task<string> KeepsRunning()
        {
            await Sleep(0.03);
            o.Print("keeps_running finished after the gather raised");
            return "late";
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();
            var child = loop.CreateTask(() => KeepsRunning());
            try
            {
                // gather(fail(), child): gather wraps the coroutine in a task, then takes the task as is.
                await loop.Gather(loop.CreateTask(() => Fail()), child);
            }
            catch (ArgumentException e)
            {
                o.Print("gather raised", TypeName(e), e, "at", Py.Round(loop.Time() - t0, 2));
            }
            o.Print("child done:", child.Done, "cancelled:", child.Cancelled);
            o.Print("child result:", await child, "at", Py.Round(loop.Time() - t0, 2));
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("24_gather_cancel")]
    public static void GatherCancel(TextWriter o)
    {
        async Task Child(string name)
        {
            try
            {
                await Sleep(10);
            }
            catch (CancelledError)
            {
                o.Print(name, "cancelled");
                throw;
            }
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var a = loop.CreateTask(() => Child("a"));
            var b = loop.CreateTask(() => Child("b"));
            var g = loop.Gather(new Future[] { a, b });
            await Sleep(0);
            o.Print("g.cancel() ->", g.Cancel());
            try
            {
                await g;
            }
            catch (CancelledError)
            {
                o.Print("gather raised CancelledError");
            }
            o.Print("a cancelled:", a.Cancelled, "b cancelled:", b.Cancelled);

            var c = loop.CreateTask(() => Child("c"));
            var d = loop.CreateTask(() => Child("d"));
            var g2 = loop.Gather(new Future[] { c, d });
            await Sleep(0);
            c.Cancel();
            try
            {
                await g2;
            }
            catch (CancelledError)
            {
                o.Print("gather raised CancelledError after a child was cancelled");
            }
            o.Print("d still pending:", !d.Done);
            d.Cancel();
            await Sleep(0);
            o.Print("d cancelled:", d.Cancelled);
        }

        EventLoop.Run(() => Main(), Virtual);
    }
}
