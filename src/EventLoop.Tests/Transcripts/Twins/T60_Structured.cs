namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/60-: each mirrors its Python program line by line.
internal static class T60_Structured
{
    private static readonly EventLoopOptions Virtual = new() { VirtualTime = true };

    [Transcript("60_taskgroup_shield_as_completed")]
    public static void TaskGroupShieldAsCompleted(TextWriter o) => EventLoop.Run(async () =>
    {
        var loop = EventLoop.GetRunningLoop();
        double t0 = loop.Time();
        var log = new List<string>();
        double Elapsed() => Py.Round(loop.Time() - t0, 1);
        async Task<int> Ok(int n, double d)
        {
            try
            {
                await loop.Sleep(d); log.Add($"ok{n}"); return n;
            }
            catch (CancelledError)
            {
                log.Add($"ok{n} cancelled at {Py.Float(Elapsed())}"); throw;
            }
        }
        async Task<int> Bad(double d, string msg)
        {
            await loop.Sleep(d); throw new ArgumentException(msg);
        }
        LoopTask<int> a = null!, c = null!;
        try
        {
            await loop.TaskGroup(async tg =>
            {
                a = tg.CreateTask(() => Ok(1, 0.1));
                _ = tg.CreateTask(() => Bad(0.2, "x"));
                c = tg.CreateTask(() => Ok(3, 0.5));
                _ = tg.CreateTask(() => Bad(0.2, "y"));
                await loop.Sleep(1);
                log.Add("body finished");
            });
        }
        catch (AggregateException eg) when (eg.InnerExceptions.All(e => e is ArgumentException))
        {
            o.Print("group:", Py.Sorted(eg.InnerExceptions.Select(e => e.Message)), Elapsed());
        }
        o.Print(log, a.Result(), c.Cancelled, loop.CurrentTask!.Cancelling);

        async Task Outer()
        {
            await loop.TaskGroup(async tg =>
            {
                _ = tg.CreateTask(() => Ok(5, 1));
                await loop.Sleep(2);
            });
        }
        var t = loop.CreateTask(() => Outer());
        await loop.Sleep(0.5);
        t.Cancel();
        try
        {
            await t;
        }
        catch (CancelledError)
        {
            o.Print("outer cancelled", Elapsed(), log[^1]);
        }

        try
        {
            await loop.Timeout(0.3, async () =>
            {
                await loop.TaskGroup(tg => { tg.CreateTask(() => Ok(6, 1)); return Task.CompletedTask; });
            });
        }
        catch (TimeoutException)
        {
            o.Print("timeout", Elapsed(), log[^1], loop.CurrentTask!.Cancelling);
        }

        var inner = loop.CreateTask(() => Ok(7, 0.4));
        async Task<int> Waiter() => await loop.Shield(inner);
        var w = loop.CreateTask(() => Waiter());
        await loop.Sleep(0.1);
        w.Cancel();
        try
        {
            await w;
        }
        catch (CancelledError)
        {
            o.Print("waiter cancelled, inner cancelled:", inner.Cancelled);
        }
        o.Print("inner result", await inner, Elapsed());

        var fs = new[] { (8, 0.3), (9, 0.1), (10, 0.2) }.Select(p => loop.CreateTask(() => Ok(p.Item1, p.Item2))).ToList();
        foreach (var coro in loop.AsCompleted(fs))
            o.Print("as_completed", await coro);
        fs = new[] { (11, 0.3), (12, 0.1) }.Select(p => loop.CreateTask(() => Ok(p.Item1, p.Item2))).ToList();
        try
        {
            foreach (var coro in loop.AsCompleted(fs, timeout: 0.2))
                o.Print("as_completed t", await coro);
        }
        catch (TimeoutException)
        {
            o.Print("as_completed timeout", Elapsed());
        }
        await loop.Gather(fs.ToArray());
    }, Virtual);
}
