namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/04-06: each mirrors its Python program line by line.
internal static class T04_Timers
{
    private static EventLoop NewLoop() => new(new EventLoopOptions { VirtualTime = true });

    [Transcript("04_call_at_call_later_mix")]
    public static void CallAtCallLaterMix(TextWriter o)
    {
        var loop = NewLoop();

        void Cb(object? name) => o.Print("fire", name);

        double t0 = loop.Time();
        loop.CallAt(t0 + 0.05, Cb, "at +0.05");
        loop.CallLater(0.02, Cb, "later 0.02");
        loop.CallAt(t0 + 0.01, Cb, "at +0.01");
        var h = loop.CallAt(t0 + 0.03, Cb, "at +0.03 (first)");
        loop.CallAt(h.When, Cb, "at +0.03 (second, same when)");
        o.Print("when() equals t0 + 0.03:", h.When == t0 + 0.03);
        loop.CallSoon(Cb, "soon");
        loop.CallAt(t0 + 0.06, loop.Stop);
        loop.RunForever();
        loop.Close();
    }

    [Transcript("05_timers_never_early")]
    public static void TimersNeverEarly(TextWriter o)
    {
        var loop = NewLoop();
        double t0 = loop.Time();

        void Cb(double delay)
        {
            double elapsed = loop.Time() - t0;
            o.Print("delay", delay, "fired at", Py.Round(elapsed, 2), "early:", elapsed < delay - 0.001);
        }

        foreach (var delay in new[] { 0.1, 0.05, 0.2, 0.15 })
            loop.CallLater(delay, Cb, delay);

        async Task Main()
        {
            await EventLoop.GetRunningLoop().Sleep(0.25);
            o.Print("sleep(0.25) returned at", Py.Round(loop.Time() - t0, 2));
        }

        loop.RunUntilComplete(() => Main());
        loop.Close();
    }

    [Transcript("06_cancel_handle")]
    public static void CancelHandle(TextWriter o)
    {
        var loop = NewLoop();

        void Cb(object? name) => o.Print("run", name);

        var h1 = loop.CallSoon(Cb, "soon-1");
        var h2 = loop.CallSoon(Cb, "soon-2");
        var h3 = loop.CallLater(0.01, Cb, "later-3");
        var h4 = loop.CallLater(0.02, Cb, "later-4");
        o.Print("h2 cancelled before:", h2.Cancelled);
        // Handle.Cancel() returns void, as Python's cancel() returns None.
        h2.Cancel();
        o.Print("h2.cancel() returns:", null);
        o.Print("h2 cancelled after:", h2.Cancelled);
        h3.Cancel();
        o.Print("h3.cancel() returns:", null);
        h3.Cancel();
        o.Print("h3 cancel again returns:", null);
        o.Print("h3 cancelled:", h3.Cancelled);
        o.Print("h1 cancelled:", h1.Cancelled, "h4 cancelled:", h4.Cancelled);

        void CancelFromCallback()
        {
            o.Print("cancelling h4 from a callback");
            h4.Cancel();
        }

        loop.CallSoon(CancelFromCallback);
        loop.CallLater(0.05, loop.Stop);
        loop.RunForever();
        o.Print("h4 cancelled:", h4.Cancelled);
        loop.Close();
    }
}
