using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/100 on: deviations from asyncio found by translating asyncio programs
// line by line, each fixed and kept here so that none comes back.
internal static class T100_Faithfulness
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    [Transcript("100_call_soon_threadsafe_on_loop_thread")]
    public static void CallSoonThreadsafeOnLoopThread(TextWriter o)
    {
        void Print(string s) => o.Print(s);

        var loop = new EventLoop(Virtual);

        void First()
        {
            o.Print("first iteration");
            loop.CallSoonThreadsafe(Print, "threadsafe-1");
            loop.CallSoon(Print, "soon-2");
            loop.CallSoonThreadsafe(Print, "threadsafe-3");
            loop.CallSoon(loop.Stop);
        }

        loop.CallSoon(First);
        loop.RunForever();
        loop.Close();
    }

    [Transcript("101_create_future_on_closed_loop")]
    public static void CreateFutureOnClosedLoop(TextWriter o)
    {
        var loop = new EventLoop(Virtual);
        loop.Close();
        var f = loop.CreateFuture<int>();
        o.Print("created on a closed loop:", f.Done);
        f.SetResult(1);
        o.Print("result:", f.Result());
        var g = loop.CreateFuture<int>();
        g.AddDoneCallback(_ => o.Print("never"));
        try
        {
            g.SetResult(2);
        }
        catch (InvalidOperationException e)
        {
            o.Print("RuntimeError:", e);
        }
        o.Print("g done:", g.Done, "result:", g.Result());
        try
        {
            f.AddDoneCallback(_ => o.Print("never"));
        }
        catch (InvalidOperationException e)
        {
            o.Print("RuntimeError:", e);
        }
    }

    [Transcript("102_gather_cancel_error_from_last_child")]
    public static void GatherCancelErrorFromLastChild(TextWriter o)
    {
        async Task Main()
        {
            async Task<string> Quick() => "q";

            async Task<string> Slow()
            {
                await Sleep(1);
                return "s";
            }

            var loop = EventLoop.GetRunningLoop();
            var ts = loop.CreateTask(() => Slow());
            var tq = loop.CreateTask(() => Quick());
            var g = loop.Gather(new Future[] { ts, tq }, returnExceptions: true);
            await Sleep(0);
            o.Print("quick done:", tq.Done, "slow done:", ts.Done);
            o.Print("cancel:", g.Cancel("m1"));
            try
            {
                await g;
            }
            catch (CancelledError e)
            {
                o.Print("gather raised CancelledError", Py.Args(e));
            }
            o.Print("slow cancelled:", ts.Cancelled, "quick result:", tq.Result());

            var ts2 = loop.CreateTask(() => Slow());
            var tq2 = loop.CreateTask(() => Quick());
            var g2 = loop.Gather(new Future[] { tq2, ts2 }, returnExceptions: true);
            await Sleep(0);
            o.Print("cancel:", g2.Cancel("m2"));
            try
            {
                await g2;
            }
            catch (CancelledError e)
            {
                o.Print("gather raised CancelledError", Py.Args(e));
            }
        }

        EventLoop.Run(Main, Virtual);
    }

    [Transcript("103_exception_context_keys_and_fallback")]
    public static void ExceptionContextKeysAndFallback(TextWriter o)
    {
        // Python's logging handler in the program prints what the default handler logs, without
        // the traceback; here the default handler writes to standard error, captured per report.
        void Logged(Action report)
        {
            var previous = Console.Error;
            var captured = new StringWriter();
            Console.SetError(captured);
            try
            {
                report();
            }
            finally
            {
                Console.SetError(previous);
            }
            var lines = captured.ToString().Split(Environment.NewLine)
                .TakeWhile(line => !line.StartsWith("System.", StringComparison.Ordinal) && line.Length > 0);
            o.Print("logged:", string.Join(" | ", lines));
        }

        void Recorder(EventLoop loop, ExceptionContext context)
        {
            o.Print("handler got:", context.Keys, context["foo"]);
            context["bar"] = 2;
            o.Print("after adding:", context.Keys);
        }

        void Broken(EventLoop loop, ExceptionContext context) => throw new ArgumentException("handler broke");

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            loop.SetExceptionHandler(Recorder);
            loop.CallExceptionHandler(new ExceptionContext("custom") { ["foo"] = 1 });
            loop.SetExceptionHandler(Broken);
            Logged(() => loop.CallExceptionHandler(new ExceptionContext("original report") { ["foo"] = 1 }));
            loop.SetExceptionHandler(null);
            Logged(() => loop.CallExceptionHandler(new ExceptionContext("") { ["foo"] = "x" }));
            Logged(() => loop.CallExceptionHandler(new ExceptionContext("sorted keys") { ["zeta"] = 1, ["alpha"] = new[] { 1, 2 } }));
            await Task.CompletedTask;
        }

        EventLoop.Run(Main, Virtual);
    }

    [Transcript("104_cancel_cycle_recursion_error")]
    public static void CancelCycleRecursionError(TextWriter o)
    {
        async Task Main()
        {
            var tasks = new Dictionary<string, LoopTask>();

            async Task A() => await tasks["b"];

            async Task B() => await tasks["a"];

            var loop = EventLoop.GetRunningLoop();
            tasks["a"] = loop.CreateTask(() => A());
            tasks["b"] = loop.CreateTask(() => B());
            await Sleep(0);
            try
            {
                tasks["a"].Cancel("m");
            }
            catch (InsufficientExecutionStackException)
            {
                o.Print("RecursionError from cancel()");
            }
            o.Print("a cancelling:", tasks["a"].Cancelling > 0, "b cancelling:", tasks["b"].Cancelling > 0);
            await Sleep(0);
            o.Print("a done:", tasks["a"].Done, "b done:", tasks["b"].Done);
            o.Print("loop goes on");
        }

        var loop = new EventLoop(Virtual);
        loop.SetExceptionHandler((_, _) => { }); // the two tasks are reported pending at Close, to stderr in Python
        loop.RunUntilComplete(() => Main());
        o.Print("main done");
        loop.Close();
    }

    [Transcript("105_cancelled_error_from_gather_kept")]
    public static void CancelledErrorFromGatherKept(TextWriter o)
    {
        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();

            async Task Child() => await Sleep(1);

            var c = loop.CreateTask(() => Child());
            var g = loop.Gather(new Future[] { c });

            async Task Waiter()
            {
                try
                {
                    await g;
                }
                catch (CancelledError e)
                {
                    o.Print("waiter got CancelledError", Py.Args(e));
                    throw;
                }
            }

            var w = loop.CreateTask(() => Waiter());
            await Sleep(0);
            c.Cancel("m1");
            await Sleep(0);
            o.Print("gather done:", g.Done, "cancelled:", g.Cancelled);
            o.Print("cancel waiter:", w.Cancel("m3"));
            try
            {
                await w;
            }
            catch (CancelledError e)
            {
                o.Print("main got CancelledError", Py.Args(e));
            }
        }

        EventLoop.Run(Main, Virtual);
    }

    [Transcript("106_self_await_with_cancel_pending")]
    public static void SelfAwaitWithCancelPending(TextWriter o)
    {
        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();

            async Task<string> Selfish()
            {
                var me = loop.CurrentTask!;
                me.Cancel("m1");
                try
                {
                    await me;
                }
                catch (CancelledError e)
                {
                    o.Print("selfish got CancelledError", Py.Args(e));
                    return "swallowed";
                }
                catch (InvalidOperationException)
                {
                    o.Print("selfish got RuntimeError");
                    return "runtime";
                }
                return "unreachable";
            }

            var t = loop.CreateTask(() => Selfish());
            o.Print("result:", await t, "cancelled:", t.Cancelled);

            async Task Plain()
            {
                try
                {
                    await loop.CurrentTask!;
                }
                catch (InvalidOperationException e)
                {
                    o.Print("plain got RuntimeError:", e.Message.Split(':')[0]);
                }
            }

            await loop.CreateTask(() => Plain());
        }

        EventLoop.Run(Main, Virtual);
    }

    [Transcript("107_refused_run_until_complete_makes_no_task")]
    public static void RefusedRunUntilCompleteMakesNoTask(TextWriter o)
    {
        var ran = new List<string>();

        async Task Work(string name)
        {
            ran.Add(name);
            await Task.CompletedTask;
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            int before = loop.AllTasks().Count;
            try
            {
                loop.RunUntilComplete(() => Work("same loop"));
            }
            catch (InvalidOperationException e)
            {
                o.Print("same loop:", e);
            }
            var other = new EventLoop(Virtual);
            try
            {
                other.RunUntilComplete(() => Work("other loop"));
            }
            catch (InvalidOperationException e)
            {
                o.Print("other loop:", e);
            }
            o.Print("tasks before:", before, "after:", loop.AllTasks().Count);
            await Sleep(0);
            other.Close();
            o.Print("other loop tasks:", other.AllTasks().Count);
        }

        var loop = new EventLoop(Virtual);
        loop.RunUntilComplete(() => Main());
        loop.Close();
        try
        {
            loop.RunUntilComplete(() => Work("closed loop"));
        }
        catch (InvalidOperationException e)
        {
            o.Print("closed loop:", e);
        }
        o.Print("ran:", ran);
    }

    [Transcript("108_gather_same_coroutine_twice")]
    public static void GatherSameCoroutineTwice(TextWriter o)
    {
        async Coroutine<int> Work()
        {
            o.Print("work runs");
            await Sleep(0);
            return 7;
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var c = Work();
            o.Print(await loop.Gather(c, c));
            var d = Work();
            o.Print(await loop.Gather(d, Work(), d));
            var f = loop.CreateFuture<string>();
            loop.CallSoon(f.SetResult, "f");
            o.Print((object)await loop.Gather(new Future[] { f, f })); // one argument, not the params array
            o.Print("tasks left:", loop.AllTasks().Count);
        }

        EventLoop.Run(Main, Virtual);
    }
}
