using static Asyncio.Tests.Transcripts.PyExtra;
using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/110-113: TaskGroup and Timeout as objects (asyncio's __aenter__ and
// __aexit__ are EnterAsync and ExitAsync), and task.get_coro().
internal static class T110_Objects
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    [Transcript("110_taskgroup_object_enter_exit")]
    public static void TaskGroupObjectEnterExit(TextWriter o)
    {
        async Task Child(string name, double delay, List<string> log)
        {
            try
            {
                await Sleep(delay);
                log.Add($"{name} done");
            }
            catch (CancelledError)
            {
                log.Add($"{name} cancelled");
                throw;
            }
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var log = new List<string>();
            var tg = loop.CreateTaskGroup();
            o.Print("created:", tg);
            try
            {
                _ = tg.CreateTask(() => Child("early", 0, log));
            }
            catch (InvalidOperationException e)
            {
                o.Print("RuntimeError:", e);
            }
            var entered = await tg.EnterAsync();
            o.Print("entered is tg:", ReferenceEquals(entered, tg), tg);
            try
            {
                await tg.EnterAsync();
            }
            catch (InvalidOperationException e)
            {
                o.Print("RuntimeError:", e);
            }
            _ = tg.CreateTask(() => Child("a", 0.1, log));
            _ = tg.CreateTask(() => Child("b", 1, log));
            o.Print("with tasks:", tg);
            await Sleep(0.2);
            var err = new ArgumentException("body failed");
            try
            {
                await tg.ExitAsync(err);
            }
            catch (AggregateException eg)
            {
                o.Print("ExceptionGroup:", GroupMessage(eg), StrList(eg.InnerExceptions.Select(ExcRepr)));
            }
            o.Print("log:", StrList(log));
            o.Print("after exit:", tg);
            try
            {
                await tg.EnterAsync();
            }
            catch (InvalidOperationException e)
            {
                o.Print("RuntimeError:", e);
            }

            // The plain path, as async with writes it.
            LoopTask t;
            await using (var tg2 = await loop.CreateTaskGroup().EnterAsync())
                t = tg2.CreateTask(() => Child("c", 0.1, log));
            o.Print("c:", t.Done, log[^1]);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("111_timeout_object_lifecycle")]
    public static void TimeoutObjectLifecycle(TextWriter o)
    {
        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();
            var cm = loop.CreateTimeout(0.5);
            o.Print("created:", cm, "when:", Py.Round(cm.When!.Value - t0, 1), "expired:", cm.Expired);
            try
            {
                cm.Reschedule(t0 + 1);
            }
            catch (InvalidOperationException e)
            {
                o.Print("RuntimeError:", e);
            }
            await Sleep(0.2);
            await using (var entered = await cm.EnterAsync())
            {
                o.Print("entered is cm:", ReferenceEquals(entered, cm), "when:", Py.Round(cm.When!.Value - t0, 1));
                try
                {
                    await using (await cm.EnterAsync())
                    {
                    }
                }
                catch (InvalidOperationException e)
                {
                    o.Print("RuntimeError:", e);
                }
                cm.Reschedule(loop.Time() + 0.5);
                o.Print("rescheduled, when:", Py.Round(cm.When!.Value - t0, 1));
                await Sleep(0.3);
                o.Print("still inside at", Py.Round(loop.Time() - t0, 1), "expired:", cm.Expired);
            }
            o.Print("left at", Py.Round(loop.Time() - t0, 1), "expired:", cm.Expired);
            try
            {
                cm.Reschedule(null);
            }
            catch (InvalidOperationException e)
            {
                o.Print("RuntimeError:", e);
            }
            try
            {
                await using (await cm.EnterAsync())
                {
                }
            }
            catch (InvalidOperationException e)
            {
                o.Print("RuntimeError:", e);
            }

            // A deadline passed before entry fires in the first iteration after EnterAsync; the
            // exit is handed the body's exception, as __aexit__ is.
            var late = loop.CreateTimeout(0.1);
            await Sleep(0.2);
            await late.EnterAsync();
            try
            {
                try
                {
                    o.Print("late entered, when passed:", late.When < loop.Time());
                    await Sleep(1);
                }
                catch (Exception e)
                {
                    await late.ExitAsync(e);
                    throw;
                }
                await late.ExitAsync(null);
            }
            catch (TimeoutException e)
            {
                o.Print("TimeoutError at", Py.Round(loop.Time() - t0, 1), "expired:", late.Expired, "cause:", TypeName(e.InnerException));
            }
            o.Print("late:", late);

            // Reschedule(null) inside removes the deadline; CreateTimeoutAt(null) has none.
            var never = loop.CreateTimeoutAt(null);
            await using (await never.EnterAsync())
            {
                never.Reschedule(loop.Time() + 0.1);
                never.Reschedule(null);
                await Sleep(0.2);
            }
            o.Print("never:", never, "expired:", never.Expired, "when:", never.When);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("112_timeout_object_own_cancellation")]
    public static void TimeoutObjectOwnCancellation(TextWriter o)
    {
        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var task = CurrentTask()!;
            double t0 = loop.Time();

            var cm = loop.CreateTimeout(0.1);
            await cm.EnterAsync();
            try
            {
                await Sleep(1);
            }
            catch (CancelledError e)
            {
                o.Print("body got CancelledError, cancelling:", task.Cancelling);
                try
                {
                    await cm.ExitAsync(e);
                }
                catch (TimeoutException te)
                {
                    o.Print("TimeoutError, cause is e:", ReferenceEquals(te.InnerException, e), "cancelling:", task.Cancelling);
                }
            }
            o.Print("expired:", cm.Expired, "at", Py.Round(loop.Time() - t0, 1));

            // The body finished after swallowing the scope's cancellation: no exception to convert.
            var cm2 = loop.CreateTimeout(0.1);
            await cm2.EnterAsync();
            try
            {
                await Sleep(1);
            }
            catch (CancelledError)
            {
                o.Print("swallowed");
            }
            await cm2.ExitAsync(null);
            o.Print("exit returned:", null, "expired:", cm2.Expired, "cancelling:", task.Cancelling);

            // Another error from the body after expiry stands.
            var cm3 = loop.CreateTimeout(0);
            await cm3.EnterAsync();
            try
            {
                try
                {
                    await Sleep(1);
                }
                catch (CancelledError)
                {
                    throw new KeyNotFoundException("other");
                }
            }
            catch (KeyNotFoundException e)
            {
                await cm3.ExitAsync(e);
                o.Print("KeyError stands, exit returned:", null, "expired:", cm3.Expired, "cancelling:", task.Cancelling);
            }

            // A cancellation from outside as well: Cancelling() stays above the entry count, so
            // the CancelledError goes through.
            async Task Victim()
            {
                var cm4 = loop.CreateTimeout(0.5);
                await cm4.EnterAsync();
                try
                {
                    await Sleep(1);
                }
                catch (CancelledError e)
                {
                    var me = CurrentTask()!;
                    o.Print("victim cancelled:", Py.Args(e), "cancelling:", me.Cancelling, "expired:", cm4.Expired);
                    await cm4.ExitAsync(e);
                    o.Print("exit returned, cancelling:", me.Cancelling);
                    throw;
                }
            }

            var v = loop.CreateTask(() => Victim());
            await Sleep(0.5);
            // The deadline's callback and this cancel in the same iteration: the deadline first.
            v.Cancel("outside");
            try
            {
                await v;
            }
            catch (CancelledError e)
            {
                o.Print("victim ended with CancelledError:", Py.Args(e));
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("113_task_get_coro")]
    public static void TaskGetCoro(TextWriter o)
    {
        async Task<int> Child()
        {
            await Sleep(0);
            return 1;
        }

#pragma warning disable CS1998 // Python's coroutine that raises without awaiting.
        async Coroutine Failing() => throw new ArgumentException("x");
#pragma warning restore CS1998

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var t = loop.CreateTask(Child);
            var c = t.GetCoro();
            o.Print("before start:", c);
            await Sleep(0);
            o.Print("running:", t.GetCoro(), "same:", t.GetCoro().Equals(c));
            await t;
            o.Print("done:", t.GetCoro(), "same:", t.GetCoro().Equals(c));
            var f = loop.CreateTask(Failing());
            try
            {
                await f;
            }
            catch (ArgumentException)
            {
            }
            o.Print("failed:", f.GetCoro());
            var k = loop.CreateTask(Child);
            k.Cancel();
            try
            {
                await k;
            }
            catch (CancelledError)
            {
            }
            o.Print("cancelled before start:", k.GetCoro(), k.Cancelled);
            o.Print("main:", CurrentTask()!.GetCoro());
        }

        EventLoop.Run(Main, Virtual);
    }
}
