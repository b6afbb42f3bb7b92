namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/01-03: each mirrors its Python program line by line.
internal static class T01_Scheduling
{
    private static EventLoop NewLoop() => new(new EventLoopOptions { VirtualTime = true });

    [Transcript("01_call_soon_fifo")]
    public static void CallSoonFifo(TextWriter o)
    {
        void Cb(object? name) => o.Print("run", name);

        var loop = NewLoop();
        foreach (var name in new[] { "a", "b", "c", "d", "e" })
            loop.CallSoon(Cb, name);
        loop.CallSoon(loop.Stop);
        o.Print("before run_forever");
        loop.RunForever();
        o.Print("after run_forever");
        loop.Close();
    }

    [Transcript("02_call_soon_next_iteration")]
    public static void CallSoonNextIteration(TextWriter o)
    {
        var loop = NewLoop();

        void Tick(int n)
        {
            o.Print("tick", n);
            if (n < 3)
                loop.CallSoon(Tick, n + 1);
            else
                loop.Stop();
        }

        void A3() => o.Print("a3");
        void A2() { o.Print("a2"); loop.CallSoon(A3); }
        void A1() { o.Print("a1"); loop.CallSoon(A2); }
        void B() => o.Print("b");

        loop.CallSoon(Tick, 0);
        loop.CallSoon(A1);
        loop.CallSoon(B);
        loop.RunForever();
        loop.Close();
    }

    [Transcript("03_call_later_ordering")]
    public static void CallLaterOrdering(TextWriter o)
    {
        var loop = NewLoop();
        void Cb(object? name) => o.Print("fire", name);

        loop.CallLater(0.03, Cb, "c 0.03");
        loop.CallLater(0.01, Cb, "a1 0.01");
        loop.CallLater(0.02, Cb, "b 0.02");
        loop.CallLater(0.01, Cb, "a2 0.01");
        loop.CallLater(0.01, Cb, "a3 0.01");
        loop.CallLater(0.04, loop.Stop);
        loop.RunForever();
        loop.Close();
    }
}
