namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/54-55: coroutine objects (async Coroutine methods), line by line.
internal static class T54_Coroutines
{
    private static readonly EventLoopOptions Virtual = new() { VirtualTime = true };

    [Transcript("54_coroutine_objects")]
    public static void CoroutineObjects(TextWriter o)
    {
        double start = 0;

        async Coroutine<string> Child(string name, double delay)
        {
            var loop = EventLoop.GetRunningLoop();
            o.Print(name, "starts in", loop.CurrentTask!.Name);
            await loop.Sleep(delay);
            o.Print(name, "resumes at", Math.Round(loop.Time() - start, 2));
            return name.ToUpperInvariant();
        }

        async Coroutine Fails()
        {
            await EventLoop.GetRunningLoop().Sleep(0);
            throw new ArgumentException("bad value");
        }

        async Coroutine Main()
        {
            var loop = EventLoop.GetRunningLoop();
            start = loop.Time();
            var coro = Child("inline", 0.5);
            o.Print("made, nothing ran yet");
            var task = loop.CreateTask(Child("task", 0.25), name: "worker");
            o.Print("task made, done:", task.Done);
            o.Print("awaited:", await coro);
            o.Print("task result:", await task);
            try
            {
                await Fails();
            }
            catch (ArgumentException e)
            {
                o.Print("caught", "ValueError", e.Message);
            }
            var t = loop.EnsureFuture(Fails());
            try
            {
                await t;
            }
            catch (ArgumentException e)
            {
                o.Print("task failed with", "ValueError", e.Message, t.Done);
            }
            o.Print("gathered:", await loop.Gather(Child("g1", 0.1), Child("g2", 0.05)));
        }

        EventLoop.Run(Main(), Virtual);
    }

    [Transcript("55_coroutine_reuse")]
    public static void CoroutineReuse(TextWriter o)
    {
        async Coroutine<int> Child()
        {
            o.Print("child runs");
            await EventLoop.GetRunningLoop().Sleep(0);
            return 1;
        }

        async Coroutine Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var c = Child();
            o.Print("first await:", await c);
            try
            {
                await c;
            }
            catch (InvalidOperationException e)
            {
                o.Print("second await:", "RuntimeError", e.Message);
            }
            var t = loop.CreateTask(c);
            try
            {
                await t;
            }
            catch (InvalidOperationException e)
            {
                o.Print("task over it:", "RuntimeError", e.Message);
            }

            var c2 = Child();
            var t2 = loop.CreateTask(c2);
            await loop.Sleep(0);
            try
            {
                await c2;
            }
            catch (InvalidOperationException e)
            {
                o.Print("await while its task runs it:", "RuntimeError", e.Message);
            }
            o.Print("its task:", await t2);

            var c3 = Child();
            var t3 = loop.CreateTask(c3);
            t3.Cancel();
            try
            {
                await t3;
            }
            catch (CancelledError)
            {
                o.Print("cancelled before it started:", t3.Cancelled);
            }
            try
            {
                await c3;
            }
            catch (InvalidOperationException e)
            {
                o.Print("await after that:", "RuntimeError", e.Message);
            }
        }

        EventLoop.Run(Main(), Virtual);
    }
}
