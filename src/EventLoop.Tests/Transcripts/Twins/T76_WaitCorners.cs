using static Asyncio.Tests.Transcripts.PyExtra;
using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/76-81: each mirrors its Python program line by line.
internal static class T76_WaitCorners
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    [Transcript("76_wait_first_exception_cancelled")]
    public static void WaitFirstExceptionCancelled(TextWriter o)
    {
        async Task<double> Job(double d, bool fail = false)
        {
            await Sleep(d);
            if (fail)
                throw new ArgumentException("job failed");
            return d;
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();
            var a = loop.CreateTask(() => Job(1));
            var b = loop.CreateTask(() => Job(0.3, fail: true));
            var c = loop.CreateTask(() => Job(2));
            await Sleep(0.1);
            a.Cancel();
            var (done, pending) = await loop.Wait(new[] { a, b, c }, returnWhen: ReturnWhen.FirstException);
            o.Print("returned at", Py.Round(loop.Time() - t0, 1), "done", done.Count, "pending", pending.Count);
            o.Print("a in done:", done.Contains(a), "b in done:", done.Contains(b), "c pending:", pending.Contains(c));
            o.Print("b exception:", ExcRepr(b.Exception()!));
            c.Cancel();
            (done, pending) = await loop.Wait(new[] { a, c }, returnWhen: ReturnWhen.FirstException);
            o.Print("only cancelled:", done.Count, pending.Count, Py.Round(loop.Time() - t0, 1));
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("77_wait_duplicates_already_done")]
    public static void WaitDuplicatesAlreadyDone(TextWriter o)
    {
        async Task Ticker()
        {
            for (int i = 0; i < 4; i++)
            {
                o.Print("tick", i);
                await Sleep(0);
            }
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var f = loop.CreateFuture<int>();
            f.SetResult(1);
            var g = loop.CreateFuture<int>();
            g.SetResult(2);
            var t = loop.CreateTask(() => Ticker());
            o.Print("calling wait");
            var (done, pending) = await loop.Wait(new[] { f, f, g });
            o.Print("wait returned: done", done.Count, "pending", pending.Count);
            await t;
            try
            {
                await loop.Wait(new List<Future<int>>());
            }
            catch (ArgumentException e)
            {
                o.Print("ValueError:", e);
            }
            var h = loop.CreateFuture<int>();
            (done, pending) = await loop.Wait(new[] { f, h }, timeout: 0);
            o.Print("timeout=0: done", done.Count, "pending", pending.Count, "h cancelled:", h.Cancelled);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("78_wait_for_swallowed_cancel_returns")]
    public static void WaitForSwallowedCancelReturns(TextWriter o)
    {
        async Task<string> Stubborn(EventLoop loop, double t0)
        {
            try
            {
                await Sleep(1);
            }
            catch (CancelledError)
            {
                o.Print("stubborn cancelled at", Py.Round(loop.Time() - t0, 1));
                await Sleep(0.1);
                return "kept going";
            }
            return "finished";
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();
            var r = await loop.WaitFor(() => Stubborn(loop, t0), timeout: 0.2);
            o.Print("wait_for returned", Py.Repr(r), "at", Py.Round(loop.Time() - t0, 1));
            o.Print("main cancelling:", CurrentTask()!.Cancelling);
            await Sleep(0.1);
            o.Print("main not cancelled afterwards, at", Py.Round(loop.Time() - t0, 1));
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("79_wait_for_nested")]
    public static void WaitForNested(TextWriter o)
    {
        async Task<string?> Work(EventLoop loop, double t0)
        {
            try
            {
                await Sleep(1);
            }
            catch (CancelledError)
            {
                o.Print("work cancelled at", Py.Round(loop.Time() - t0, 1));
                throw;
            }
            return null;
        }

        async Task<string?> InnerLevel(EventLoop loop, double t0, double timeout)
        {
            try
            {
                return await loop.WaitFor(() => Work(loop, t0), timeout);
            }
            catch (TimeoutException)
            {
                o.Print("inner wait_for timed out");
                return "inner handled";
            }
            catch (CancelledError)
            {
                o.Print("inner wait_for saw CancelledError");
                throw;
            }
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();
            var r = await loop.WaitFor(() => InnerLevel(loop, t0, 0.2), 0.5);
            o.Print("inner first:", r, Py.Round(loop.Time() - t0, 1));
            t0 = loop.Time();
            try
            {
                await loop.WaitFor(() => InnerLevel(loop, t0, 0.5), 0.2);
            }
            catch (TimeoutException)
            {
                o.Print("outer first: TimeoutError at", Py.Round(loop.Time() - t0, 1));
            }
            o.Print("cancelling:", CurrentTask()!.Cancelling);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("80_wait_for_outer_cancel_and_none")]
    public static void WaitForOuterCancelAndNone(TextWriter o)
    {
        async Task<string> Work(string name, double d)
        {
            try
            {
                await Sleep(d);
                return name;
            }
            catch (CancelledError)
            {
                o.Print(name, "cancelled");
                throw;
            }
        }

        // caller(aw, timeout): the wait_for call is passed in, and runs inside the caller's task.
        async Task<string?> Caller(Func<Task<string>> waitFor)
        {
            try
            {
                return await waitFor();
            }
            catch (TimeoutException)
            {
                o.Print("caller: TimeoutError");
            }
            catch (CancelledError)
            {
                o.Print("caller: CancelledError");
                throw;
            }
            return null;
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();
            var c = loop.CreateTask(() => Caller(() => loop.WaitFor(() => Work("w1", 1), 0.5)));
            await Sleep(0.2);
            c.Cancel();
            await loop.Gather(new Future[] { c }, returnExceptions: true);
            o.Print("c cancelled:", c.Cancelled, "at", Py.Round(loop.Time() - t0, 1));
            var inner = loop.CreateTask(() => Work("w2", 5));
            var c2 = loop.CreateTask(() => Caller(() => loop.WaitFor(inner, null)));
            await Sleep(3);
            o.Print("after 3s inner done:", inner.Done);
            c2.Cancel();
            await loop.Gather(new Future[] { c2 }, returnExceptions: true);
            o.Print("inner cancelled:", inner.Cancelled, "at", Py.Round(loop.Time() - t0, 1));
            o.Print(await loop.WaitFor(() => Work("w3", 0.1), null));
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("81_wait_for_zero_negative")]
    public static void WaitForZeroNegative(TextWriter o)
    {
#pragma warning disable CS1998 // Python's coroutine that returns without awaiting.
        async Task<string> NeverRuns()
        {
            o.Print("never printed");
            return "x";
        }
#pragma warning restore CS1998

        async Task<string> Swallower()
        {
            try
            {
                await Sleep(10);
            }
            catch (CancelledError)
            {
                o.Print("swallower swallowed");
            }
            return "swallowed value";
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            try
            {
                await loop.WaitFor(() => NeverRuns(), 0);
            }
            catch (TimeoutException)
            {
                o.Print("coroutine with timeout 0: TimeoutError");
            }
            var s = loop.CreateTask(() => Swallower());
            await Sleep(0);
            o.Print("task that swallows, timeout -1:", await loop.WaitFor(s, -1));
            var f = loop.CreateFuture<string>();
            f.SetResult("ready");
            o.Print("done future, timeout 0:", await loop.WaitFor(f, 0));
            var g = loop.CreateFuture<string>();
            try
            {
                await loop.WaitFor(g, -0.5);
            }
            catch (TimeoutException)
            {
                o.Print("pending future, timeout -0.5: TimeoutError, cancelled:", g.Cancelled);
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }
}
