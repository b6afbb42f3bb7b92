using static Asyncio.Tests.Transcripts.PyExtra;
using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/82-86: each mirrors its Python program line by line.
internal static class T82_ShieldAndTaskGroups
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    [Transcript("82_shield_outer_cancelled_inner_fails")]
    public static void ShieldOuterCancelledInnerFails(TextWriter o)
    {
        async Task InnerJob(EventLoop loop, double t0)
        {
            await Sleep(0.3);
            o.Print("inner fails at", Py.Round(loop.Time() - t0, 1));
            throw new ArgumentException("inner failed");
        }

        async Task Waiter(LoopTask inner)
        {
            try
            {
                await EventLoop.GetRunningLoop().Shield(inner);
            }
            catch (CancelledError)
            {
                o.Print("waiter cancelled, inner done:", inner.Done);
                throw;
            }
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();
            var inner = loop.CreateTask(() => InnerJob(loop, t0));
            var w = loop.CreateTask(() => Waiter(inner));
            await Sleep(0.1);
            w.Cancel();
            await loop.Gather(new Future[] { w }, returnExceptions: true);
            o.Print("w cancelled:", w.Cancelled);
            try
            {
                await inner;
            }
            catch (ArgumentException e)
            {
                o.Print("main got", ExcRepr(e), "at", Py.Round(loop.Time() - t0, 1));
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("83_shield_done_and_cancel_outer")]
    public static void ShieldDoneAndCancelOuter(TextWriter o)
    {
        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var done = loop.CreateFuture<string>();
            done.SetResult("already");
            o.Print("shield(done) is done:", ReferenceEquals(loop.Shield(done), done));
            var inner = loop.CreateFuture<int>();
            var outer = loop.Shield(inner);
            o.Print("outer is inner:", ReferenceEquals(outer, inner));
            o.Print("outer.cancel() ->", outer.Cancel());
            await Sleep(0);
            o.Print("inner cancelled:", inner.Cancelled, "outer cancelled:", outer.Cancelled);
            inner.SetResult(5);
            await Sleep(0);
            o.Print("inner result:", inner.Result());
            var inner2 = loop.CreateFuture<int>();
            var outer2 = loop.Shield(inner2);
            inner2.Cancel();
            try
            {
                await outer2;
            }
            catch (CancelledError)
            {
                o.Print("inner cancelled -> shield cancelled:", outer2.Cancelled);
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("84_as_completed_exceptions_timeout_empty")]
    public static void AsCompletedExceptionsTimeoutEmpty(TextWriter o)
    {
        async Task<int> Job(int x, double d, bool fail = false)
        {
            await Sleep(d);
            if (fail)
                throw new ArgumentException($"job {x}");
            return x;
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();
            var fs = new List<LoopTask<int>> { loop.CreateTask(() => Job(1, 0.3)), loop.CreateTask(() => Job(2, 0.1, fail: true)),
                                               loop.CreateTask(() => Job(3, 0.2)) };
            foreach (var aw in loop.AsCompleted(fs))
            {
                try
                {
                    o.Print("result", await aw, Py.Round(loop.Time() - t0, 1));
                }
                catch (ArgumentException e)
                {
                    o.Print("error", ExcRepr(e), Py.Round(loop.Time() - t0, 1));
                }
            }
            o.Print("empty:", loop.AsCompleted(new List<LoopTask<int>>()).ToList());
            var slow = new List<LoopTask<int>> { loop.CreateTask(() => Job(4, 0.5)), loop.CreateTask(() => Job(5, 0.1)) };
            foreach (var aw in loop.AsCompleted(slow, timeout: 0.3))
            {
                try
                {
                    o.Print("got", await aw, Py.Round(loop.Time() - t0, 1));
                }
                catch (TimeoutException)
                {
                    o.Print("TimeoutError at", Py.Round(loop.Time() - t0, 1), "slow cancelled:", slow[0].Cancelled);
                }
            }
            o.Print("slow still finishes:", await slow[0], Py.Round(loop.Time() - t0, 1));
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("85_taskgroup_child_fails_after_body")]
    public static void TaskGroupChildFailsAfterBody(TextWriter o)
    {
        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();

            async Task Sleeper(string name, double d)
            {
                try
                {
                    await Sleep(d);
                    o.Print(name, "finished");
                }
                catch (CancelledError)
                {
                    o.Print(name, "cancelled at", Py.Round(loop.Time() - t0, 1));
                    throw;
                }
            }

            async Task Failer()
            {
                await Sleep(0.3);
                throw new KeyNotFoundException("late");
            }

            try
            {
                await loop.TaskGroup(tg =>
                {
                    _ = tg.CreateTask(() => Sleeper("quick", 0.1));
                    _ = tg.CreateTask(() => Failer());
                    _ = tg.CreateTask(() => Sleeper("slow", 1));
                    o.Print("body ends at", Py.Round(loop.Time() - t0, 1));
                    return Task.CompletedTask;
                });
            }
            catch (AggregateException eg) when (eg.InnerExceptions.All(e => e is KeyNotFoundException))
            {
                o.Print("ExceptionGroup:", StrList(eg.InnerExceptions.Select(ExcRepr)), "at", Py.Round(loop.Time() - t0, 1));
            }
            o.Print("main cancelling:", CurrentTask()!.Cancelling);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("86_taskgroup_body_fails")]
    public static void TaskGroupBodyFails(TextWriter o)
    {
        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();

            async Task Child(string name, double d, bool fail = false)
            {
                try
                {
                    await Sleep(d);
                }
                catch (CancelledError)
                {
                    o.Print(name, "cancelled");
                    throw;
                }
                if (fail)
                    throw new ArgumentException(name);
                o.Print(name, "finished");
            }

            try
            {
                await loop.TaskGroup(async tg =>
                {
                    _ = tg.CreateTask(() => Child("c1", 1));
                    _ = tg.CreateTask(() => Child("c2", 0.1));
                    await Sleep(0.2);
                    throw new KeyNotFoundException("body");
                });
            }
            catch (AggregateException eg) when (eg.InnerExceptions.All(e => e is KeyNotFoundException))
            {
                o.Print("KeyError part:", StrList(eg.InnerExceptions.Select(ExcRepr)));
            }
            try
            {
                await loop.TaskGroup(async tg =>
                {
                    _ = tg.CreateTask(() => Child("c3", 0.1, fail: true));
                    await Sleep(1);
                    o.Print("body not reached");
                });
            }
            catch (AggregateException eg)
            {
                o.Print("group:", GroupMessage(eg), StrList(eg.InnerExceptions.Select(ExcRepr).Order(StringComparer.Ordinal)));
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }
}
