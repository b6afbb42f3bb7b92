using static Asyncio.Tests.Transcripts.PyExtra;
using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/87-92: each mirrors its Python program line by line.
internal static class T87_GroupsAndTimeouts
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    [Transcript("87_taskgroup_nested")]
    public static void TaskGroupNested(TextWriter o)
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

            async Task InnerGroup()
            {
                await loop.TaskGroup(tg =>
                {
                    _ = tg.CreateTask(() => Child("inner-a", 1));
                    _ = tg.CreateTask(() => Child("inner-bad", 0.2, fail: true));
                    return Task.CompletedTask;
                });
            }

            try
            {
                await loop.TaskGroup(outer =>
                {
                    _ = outer.CreateTask(() => Child("outer-a", 0.1));
                    _ = outer.CreateTask(() => InnerGroup());
                    _ = outer.CreateTask(() => Child("outer-b", 2));
                    return Task.CompletedTask;
                });
            }
            catch (AggregateException eg)
            {
                o.Print("outer:", GroupMessage(eg), eg.InnerExceptions.Count);
                var inner = (AggregateException)eg.InnerExceptions[0];
                o.Print("inner:", TypeName(inner), GroupMessage(inner), StrList(inner.InnerExceptions.Select(ExcRepr)));
            }
            o.Print("cancelling:", CurrentTask()!.Cancelling);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("88_taskgroup_create_task_errors")]
    public static void TaskGroupCreateTaskErrors(TextWriter o)
    {
        async Task Noop() => await Sleep(0);

#pragma warning disable CS1998 // Python's coroutine that raises without awaiting.
        async Task Fail() => throw new ArgumentException("x");
#pragma warning restore CS1998

        string LastWords(Exception e) => PyExtra.LastWords(e, 2);

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            Asyncio.TaskGroup tg = null!;
            try
            {
                await loop.TaskGroup(async g =>
                {
                    tg = g;
                    _ = tg.CreateTask(() => Fail());
                    try
                    {
                        await Sleep(1);
                    }
                    catch (CancelledError)
                    {
                        try
                        {
                            _ = tg.CreateTask(() => Noop());
                        }
                        catch (InvalidOperationException e)
                        {
                            o.Print("shutting down:", LastWords(e));
                        }
                        throw;
                    }
                });
            }
            catch (AggregateException)
            {
                o.Print("group failed");
            }
            try
            {
                _ = tg.CreateTask(() => Noop());
            }
            catch (InvalidOperationException e)
            {
                o.Print("after exit:", LastWords(e));
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("89_timeout_reschedule_expired")]
    public static void TimeoutRescheduleExpired(TextWriter o)
    {
        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();
            TimeoutScope cm = null!, cm2 = null!;
            await loop.Timeout(0.2, async scope =>
            {
                cm = scope;
                o.Print("when:", Py.Round(cm.When!.Value - t0, 1));
                cm.Reschedule(loop.Time() + 0.5);
                await Sleep(0.3);
                o.Print("survived 0.3, when:", Py.Round(cm.When!.Value - t0, 1), "expired:", cm.Expired);
                cm.Reschedule(null);
                o.Print("when after reschedule(None):", cm.When);
                await Sleep(0.4);
            });
            o.Print("exited normally at", Py.Round(loop.Time() - t0, 1), "expired:", cm.Expired);
            try
            {
                await loop.Timeout(0.1, async scope =>
                {
                    cm2 = scope;
                    await Sleep(1);
                });
            }
            catch (TimeoutException)
            {
                o.Print("TimeoutError at", Py.Round(loop.Time() - t0, 1), "expired:", cm2.Expired);
            }
            foreach (var c in new[] { cm, cm2 })
            {
                try
                {
                    c.Reschedule(null);
                }
                catch (InvalidOperationException e)
                {
                    o.Print("RuntimeError:", e);
                }
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("90_timeout_nested_outer_first")]
    public static void TimeoutNestedOuterFirst(TextWriter o)
    {
        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();
            TimeoutScope outer = null!, inner = null!;
            try
            {
                await loop.Timeout(0.2, async scope =>
                {
                    outer = scope;
                    try
                    {
                        await loop.Timeout(0.5, async scope2 =>
                        {
                            inner = scope2;
                            await Sleep(1);
                        });
                    }
                    catch (CancelledError)
                    {
                        o.Print("inner let CancelledError through, inner expired:", inner.Expired);
                        throw;
                    }
                });
            }
            catch (TimeoutException)
            {
                o.Print("outer TimeoutError at", Py.Round(loop.Time() - t0, 1), "outer expired:", outer.Expired);
            }
            t0 = loop.Time();
            await loop.Timeout(0.5, async scope =>
            {
                outer = scope;
                try
                {
                    await loop.Timeout(0.2, async scope2 =>
                    {
                        inner = scope2;
                        await Sleep(1);
                    });
                }
                catch (TimeoutException)
                {
                    o.Print("inner TimeoutError at", Py.Round(loop.Time() - t0, 1), "inner expired:", inner.Expired);
                }
                await Sleep(0.1);
            });
            o.Print("outer not expired:", outer.Expired, "at", Py.Round(loop.Time() - t0, 1));
            o.Print("cancelling:", CurrentTask()!.Cancelling);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("91_timeout_at_past_and_none")]
    public static void TimeoutAtPastAndNone(TextWriter o)
    {
        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();
            TimeoutScope cm = null!;
            await loop.TimeoutAt(loop.Time() - 1, scope =>
            {
                cm = scope;
                o.Print("body without await runs");
                return Task.CompletedTask;
            });
            o.Print("completed, expired:", cm.Expired);
            try
            {
                await loop.TimeoutAt(loop.Time() - 1, async _ =>
                {
                    o.Print("body starts");
                    await Sleep(0);
                    o.Print("never printed");
                });
            }
            catch (TimeoutException)
            {
                o.Print("past deadline: TimeoutError at", Py.Round(loop.Time() - t0, 1));
            }
            try
            {
                await loop.Timeout(0, async () => await Sleep(0.5));
            }
            catch (TimeoutException)
            {
                o.Print("timeout(0): TimeoutError at", Py.Round(loop.Time() - t0, 1));
            }
            try
            {
                await loop.Timeout(null, async scope =>
                {
                    cm = scope;
                    o.Print("when:", cm.When);
                    await Sleep(0.3);
                    o.Print("no deadline, slept until", Py.Round(loop.Time() - t0, 1));
                    cm.Reschedule(loop.Time() + 0.2);
                    await Sleep(1);
                });
            }
            catch (TimeoutException)
            {
                o.Print("rescheduled: TimeoutError at", Py.Round(loop.Time() - t0, 1));
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("92_timeout_body_swallows_cancel")]
    public static void TimeoutBodySwallowsCancel(TextWriter o)
    {
        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            double t0 = loop.Time();
            var me = CurrentTask()!;
            TimeoutScope cm = null!;
            await loop.Timeout(0.2, async scope =>
            {
                cm = scope;
                try
                {
                    await Sleep(1);
                }
                catch (CancelledError)
                {
                    o.Print("body swallowed cancel at", Py.Round(loop.Time() - t0, 1), "cancelling:", me.Cancelling);
                }
                await Sleep(0.1);
                o.Print("body continued to", Py.Round(loop.Time() - t0, 1));
            });
            o.Print("no TimeoutError, expired:", cm.Expired, "cancelling:", me.Cancelling);
            await Sleep(0.1);
            o.Print("task still usable at", Py.Round(loop.Time() - t0, 1));
        }

        EventLoop.Run(() => Main(), Virtual);
    }
}
