using static Asyncio.Tests.Transcripts.PyExtra;
using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/56-58: eager tasks (3.12's eager_task_factory), line by line.
internal static class T56_EagerTasks
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    [Transcript("56_eager_tasks")]
    public static void EagerTasks(TextWriter o)
    {
        double start = 0;

        async Coroutine<int> Quick(int n)
        {
            o.Print("quick", n, "runs in", CurrentTask()!.Name);
            await Task.CompletedTask;
            return n * 10;
        }

        async Coroutine<int> Slow(int n)
        {
            o.Print("slow", n, "starts in", CurrentTask()!.Name);
            await Sleep(0.5);
            o.Print("slow", n, "resumes at", Math.Round(EventLoop.GetRunningLoop().Time() - start, 2));
            return n;
        }

        async Coroutine Fails()
        {
            await Task.CompletedTask;
            throw new ArgumentException("at once");
        }

        async Coroutine Main()
        {
            var loop = EventLoop.GetRunningLoop();
            start = loop.Time();
            loop.EagerTasks = true;
            o.Print("main is", CurrentTask()!.Name);
            var q = loop.CreateTask(Quick(1));
            o.Print("after quick: done", q.Done, "result", q.Result(), "current", CurrentTask()!.Name);
            o.Print("quick in all_tasks:", loop.AllTasks().Contains(q));
            var s = loop.CreateTask(Slow(2));
            o.Print("after slow: done", s.Done, "in all_tasks", loop.AllTasks().Contains(s));
            var f = loop.CreateTask(Fails());
            o.Print("fails: done", f.Done, Py.ExceptionTypeName(f.Exception()!), f.Exception());
            o.Print("cancel a finished eager task:", q.Cancel(), q.Cancelled);
            q.AddDoneCallback(t => o.Print("done callback of", ((LoopTask)t).Name));
            o.Print("callback added");
            await Sleep(0);
            o.Print("after one yield");
            o.Print("slow result:", await s);
            loop.EagerTasks = false;
            var n = loop.CreateTask(Quick(3));
            o.Print("factory reset: done", n.Done);
            o.Print("result", await n);
        }

        EventLoop.Run(Main(), Virtual);
    }

    [Transcript("57_eager_from_callbacks")]
    public static void EagerFromCallbacks(TextWriter o)
    {
        async Coroutine<string> Child(string name, double delay)
        {
            o.Print(name, "step 1 in", CurrentTask()!.Name);
            await Sleep(delay);
            o.Print(name, "step 2");
            return name;
        }

        async Coroutine<string> Parent()
        {
            o.Print("parent starts");
            var inner = EventLoop.GetRunningLoop().CreateTask(Child("inner", 0));
            o.Print("parent made inner, done", inner.Done, "current", CurrentTask()!.Name);
            var r = await inner;
            o.Print("parent got", r);
            return "parent";
        }

        void FromCallback(EventLoop loop, List<LoopTask<string>> output)
        {
            o.Print("callback: current task", loop.CurrentTask);
            var t = loop.CreateTask(Child("from-callback", 0));
            o.Print("callback: after create, current task", loop.CurrentTask, "done", t.Done);
            output.Add(t);
        }

        async Coroutine Main()
        {
            var loop = EventLoop.GetRunningLoop();
            o.Print("main step 1 in", CurrentTask()!.Name);
            var output = new List<LoopTask<string>>();
            loop.CallSoon(() => FromCallback(loop, output));
            await Sleep(0);
            o.Print("main: callback ran, task done", output[0].Done);
            var p = loop.CreateTask(Parent());
            o.Print("main: parent done", p.Done);
            var t = loop.CreateTask(Child("victim", 1));
            o.Print("cancel:", t.Cancel("stop it"), "cancelling", t.Cancelling);
            try
            {
                await t;
            }
            catch (CancelledError e)
            {
                o.Print("victim cancelled:", Py.Args(e));
            }
            o.Print("parent result", await p, "from-callback result", await output[0]);
        }

        var loop = new EventLoop(Virtual);
        loop.EagerTasks = true;
        var pre = loop.CreateTask(Child("before-run", 0));
        o.Print("created before the loop runs: done", pre.Done);
        loop.RunUntilComplete(Main());
        o.Print("pre result", pre.Result());
        loop.Close();
    }

    [Transcript("58_eager_gather_taskgroup")]
    public static void EagerGatherAndTaskGroup(TextWriter o)
    {
        async Coroutine<int> Quick(int n)
        {
            await Task.CompletedTask;
            return n;
        }

        async Coroutine Boom()
        {
            await Task.CompletedTask;
            throw new ArgumentException("boom at once");
        }

        async Coroutine Sleeper(string name)
        {
            try
            {
                await Sleep(1);
                o.Print(name, "finished");
            }
            catch (CancelledError)
            {
                o.Print(name, "cancelled");
                throw;
            }
        }

        async Coroutine Main()
        {
            var loop = EventLoop.GetRunningLoop();
            loop.EagerTasks = true;
            var g = loop.Gather(Quick(1), Quick(2), Quick(3));
            o.Print("gather done at once:", g.Done, g.Result());
            var g2 = loop.Gather(new Future[] { loop.CreateTask(Quick(4)), loop.CreateTask(Sleeper("s0")) });
            o.Print("gather with a sleeper done:", g2.Done);
            o.Print("gathered:", await g2);
            try
            {
                await loop.TaskGroup(async tg =>
                {
                    var a = tg.CreateTask(Sleeper("s1"));
                    o.Print("s1 made, done", a.Done);
                    var b = tg.CreateTask(Boom());
                    o.Print("boom made, done", b.Done, "s1 cancelling", a.Cancelling,
                        "main cancelling", CurrentTask()!.Cancelling);
                    try
                    {
                        _ = tg.CreateTask(Quick(5));
                    }
                    catch (InvalidOperationException e)
                    {
                        o.Print("create_task refused:", e.Message.Split(" is ")[1]);
                    }
                    await Sleep(0);
                    o.Print("not reached");
                });
            }
            catch (AggregateException eg) when (eg.InnerExceptions.All(e => e is ArgumentException))
            {
                o.Print("group raised", StrList(eg.InnerExceptions.Select(e => e.Message)));
            }
            o.Print("main cancelling after", CurrentTask()!.Cancelling);
        }

        EventLoop.Run(Main(), Virtual);
    }
}
