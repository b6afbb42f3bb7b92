using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/25-28 and 33: each mirrors its Python program line by line.
internal static class T25_WaitAndWaitFor
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    [Transcript("25_wait_return_when")]
    public static void WaitReturnWhen(TextWriter o)
    {
        async Task<double> Job(double delay, bool fail = false)
        {
            await Sleep(delay);
            if (fail)
                throw new ArgumentException("failed");
            return delay;
        }

        string Names(IEnumerable<LoopTask> tasks) => Py.Sorted(tasks.Select(t => t.Name));

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var ts = new[] { 0.03, 0.01, 0.02 }.Select(d => loop.CreateTask(() => Job(d), name: $"j{Py.Float(d)}")).ToList();
            var (done, pending) = await loop.Wait(ts, returnWhen: ReturnWhen.FirstCompleted);
            o.Print("FIRST_COMPLETED done", Names(done), "pending", Names(pending));
            (done, pending) = await loop.Wait(ts, returnWhen: ReturnWhen.AllCompleted);
            o.Print("ALL_COMPLETED done", Names(done), "pending", Names(pending));

            ts = [loop.CreateTask(() => Job(0.01), name: "ok"),
                  loop.CreateTask(() => Job(0.02, fail: true), name: "bad"),
                  loop.CreateTask(() => Job(0.04), name: "slow")];
            (done, pending) = await loop.Wait(ts, returnWhen: ReturnWhen.FirstException);
            o.Print("FIRST_EXCEPTION done", Names(done), "pending", Names(pending));
            o.Print("bad exception:", TypeName(ts[1].Exception()), "ok result:", ts[0].Result());
            await loop.Wait(pending);
            o.Print("slow result:", ts[2].Result());
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("26_wait_timeout")]
    public static void WaitTimeout(TextWriter o)
    {
        async Task<string> Job(string name, double delay)
        {
            await Sleep(delay);
            o.Print(name, "finished");
            return name;
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();
            var ts = new List<LoopTask<string>> { loop.CreateTask(() => Job("fast", 0.01)), loop.CreateTask(() => Job("slow", 0.05)) };
            var (done, pending) = await loop.Wait(ts, timeout: 0.02);
            o.Print("timeout after", Py.Round(loop.Time() - t0, 2), "done", done.Count, "pending", pending.Count);
            o.Print("slow cancelled:", ts[1].Cancelled, "done:", ts[1].Done);
            o.Print("slow result:", await ts[1], "at", Py.Round(loop.Time() - t0, 2));
            (done, pending) = await loop.Wait(ts, timeout: 0.02);
            o.Print("all done already: done", done.Count, "pending", pending.Count, "at", Py.Round(loop.Time() - t0, 2));
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("27_wait_for")]
    public static void WaitFor(TextWriter o)
    {
        async Task<string> Work(double delay)
        {
            try
            {
                await Sleep(delay);
            }
            catch (CancelledError)
            {
                o.Print("work cancelled by wait_for");
                throw;
            }
            return "work done";
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();
            o.Print(await loop.WaitFor(() => Work(0.01), timeout: 0.5), "at", Py.Round(loop.Time() - t0, 2));
            t0 = loop.Time();
            try
            {
                await loop.WaitFor(() => Work(10), timeout: 0.05);
            }
            catch (TimeoutException e)
            {
                o.Print("TimeoutError", TypeName(e), "at", Py.Round(loop.Time() - t0, 2));
            }
            // asyncio.TimeoutError is the builtin TimeoutError: the library has no TimeoutError
            // type of its own, and throws System.TimeoutException (the builtin's stand-in).
            o.Print("is asyncio.TimeoutError:", typeof(EventLoop).Assembly.GetType("Asyncio.TimeoutError") is null);
            o.Print(await loop.WaitFor(() => Work(0), timeout: null));
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("28_wait_for_zero_timeout")]
    public static void WaitForZeroTimeout(TextWriter o)
    {
        async Task Work()
        {
            try
            {
                await Sleep(10);
            }
            catch (CancelledError)
            {
                o.Print("work cancelled");
                throw;
            }
        }

#pragma warning disable CS1998 // Python's coroutine that returns without awaiting.
        async Task<string> Quick()
        {
            return "quick";
        }
#pragma warning restore CS1998

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var t = loop.CreateTask(() => Work());
            await Sleep(0);
            try
            {
                await loop.WaitFor(t, timeout: 0);
            }
            catch (TimeoutException)
            {
                o.Print("TimeoutError, task cancelled:", t.Cancelled);
            }
            var q = loop.CreateTask(() => Quick());
            await Sleep(0);
            o.Print("done task:", await loop.WaitFor(q, timeout: -1));
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("33_wait_for_coroutine_inline")]
    public static void WaitForCoroutineInline(TextWriter o)
    {
        async Task Ticker()
        {
            for (int i = 0; i < 4; i++)
            {
                o.Print("tick", i);
                await Sleep(0);
            }
        }

#pragma warning disable CS1998 // Python's coroutine that returns without awaiting.
        async Task<int> Work()
        {
            o.Print("work started");
            return 1;
        }
#pragma warning restore CS1998

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var t = loop.CreateTask(() => Ticker());
            o.Print("calling wait_for");
            var r = await loop.WaitFor(() => Work(), timeout: 1);
            o.Print("got", r);
            await t;
        }

        EventLoop.Run(() => Main(), Virtual);
    }
}
