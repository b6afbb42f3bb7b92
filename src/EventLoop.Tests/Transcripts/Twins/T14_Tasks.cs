namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/14-18: each mirrors its Python program line by line.
internal static class T14_Tasks
{
    private static readonly EventLoopOptions Virtual = new() { VirtualTime = true };

    [Transcript("14_create_task_deferred")]
    public static void CreateTaskDeferred(TextWriter o)
    {
        async Task<string> Child(string name)
        {
            o.Print(name, "first step");
            await EventLoop.GetRunningLoop().Sleep(0);
            o.Print(name, "second step");
            return name + " result";
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            o.Print("before create_task");
            var t1 = loop.CreateTask(() => Child("t1"));
            var t2 = loop.CreateTask(() => Child("t2"));
            o.Print("after create_task, t1 done:", t1.Done);
            await loop.Sleep(0);
            o.Print("main after sleep(0)");
            o.Print(await t1, "/", await t2);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("15_ensure_future")]
    public static void EnsureFuture(TextWriter o)
    {
        async Task<int> Coro()
        {
            o.Print("coro runs");
            await Task.CompletedTask; // Python's coro has no await either; keeps it an async method.
            return 7;
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var f = loop.CreateFuture<string>();
            o.Print("future returned as is:", ReferenceEquals(loop.EnsureFuture(f), f));
            var t = loop.CreateTask(() => Coro());
            o.Print("task returned as is:", ReferenceEquals(loop.EnsureFuture(t), t));
            var t2 = loop.EnsureFuture(() => Coro());
            o.Print("coroutine becomes a Task:", (object)t2 is LoopTask);
            o.Print("started inline:", t2.Done);
            o.Print("results:", await t, await t2);
            f.SetResult("f");
            o.Print("future result:", await f);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("16_task_cancel_sleeping")]
    public static void TaskCancelSleeping(TextWriter o)
    {
        async Task Sleeper()
        {
            try
            {
                await EventLoop.GetRunningLoop().Sleep(10);
            }
            catch (CancelledError e)
            {
                o.Print("sleeper caught CancelledError, args:", Py.Args(e));
                throw;
            }
            o.Print("never printed");
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var t = loop.CreateTask(() => Sleeper());
            await loop.Sleep(0);
            o.Print("cancel() returns:", t.Cancel("stop it"));
            o.Print("done right after cancel():", t.Done);
            try
            {
                await t;
            }
            catch (CancelledError e)
            {
                o.Print("main caught CancelledError, args:", Py.Args(e));
            }
            o.Print("cancelled:", t.Cancelled, "done:", t.Done);
            var t2 = loop.CreateTask(() => Sleeper());
            await loop.Sleep(0);
            t2.Cancel();
            try
            {
                await t2;
            }
            catch (CancelledError e)
            {
                o.Print("no message, args:", Py.Args(e));
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("17_task_cancel_before_start")]
    public static void TaskCancelBeforeStart(TextWriter o)
    {
        async Task<int> Body()
        {
            o.Print("body runs (never printed)");
            await Task.CompletedTask; // Python's body has no await either; keeps it an async method.
            return 1;
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var t = loop.CreateTask(() => Body());
            o.Print("cancel() returns:", t.Cancel());
            o.Print("done right after cancel():", t.Done);
            await loop.Sleep(0);
            o.Print("after one iteration: done", t.Done, "cancelled", t.Cancelled);
            try
            {
                await t;
            }
            catch (CancelledError)
            {
                o.Print("awaiting it raises CancelledError");
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("18_task_swallows_cancel")]
    public static void TaskSwallowsCancel(TextWriter o)
    {
        async Task<string> Stubborn()
        {
            try
            {
                await EventLoop.GetRunningLoop().Sleep(10);
            }
            catch (CancelledError)
            {
                o.Print("stubborn caught CancelledError, returning normally");
            }
            return "survived";
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var t = loop.CreateTask(() => Stubborn());
            await loop.Sleep(0);
            o.Print("cancel() returns:", t.Cancel());
            var result = await t;
            o.Print("result:", result);
            o.Print("cancelled:", t.Cancelled, "done:", t.Done);
            o.Print("cancel() on done task returns:", t.Cancel());
            o.Print("still cancelled:", t.Cancelled);
        }

        EventLoop.Run(() => Main(), Virtual);
    }
}
