using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/29-32: each mirrors its Python program line by line.
internal static class T29_LoopServices
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    [Transcript("29_exception_handler")]
    public static void ExceptionHandler(TextWriter o)
    {
        var loop = new EventLoop(Virtual);

        void Handler(EventLoop lp, ExceptionContext context)
        {
            var words = FirstWords(context.Message, 3);
            o.Print("handler:", words, "|", TypeName(context.Exception),
                    "|", Py.Sorted(context.Keys), "| same loop:", ReferenceEquals(lp, loop));
        }

        void Bad()
        {
            o.Print("bad runs");
            throw new ArgumentException("oops");
        }

        void Good(int name) => o.Print("good", name);

        Action<EventLoop, ExceptionContext> handler = Handler;
        loop.SetExceptionHandler(handler);
        o.Print("handler installed:", ReferenceEquals(loop.GetExceptionHandler(), handler));
        loop.CallSoon(Good, 1);
        loop.CallSoon(Bad);
        loop.CallSoon(Good, 2);
        loop.CallLater(0.01, Bad);
        loop.CallLater(0.02, Good, 3);
        loop.CallLater(0.03, loop.Stop);
        loop.RunForever();
        o.Print("loop survived");
        loop.Close();
    }

    [Transcript("30_run_cancels_leftovers")]
    public static void RunCancelsLeftovers(TextWriter o)
    {
        async Task Leftover()
        {
            try
            {
                o.Print("leftover started");
                await Sleep(10);
            }
            catch (CancelledError)
            {
                o.Print("leftover cancelled by asyncio.run");
                throw;
            }
            o.Print("never printed");
        }

        async Task<string> Main()
        {
            _ = EventLoop.GetRunningLoop().CreateTask(() => Leftover());
            await Sleep(0);
            o.Print("main returns");
            return "main result";
        }

        o.Print(EventLoop.Run(() => Main(), Virtual));
        o.Print("after asyncio.run");
    }

    [Transcript("31_current_task_all_tasks")]
    public static void CurrentTaskAllTasks(TextWriter o)
    {
        LoopTask? childTask = null;
        LoopTask? mainTask = null;

        void PlainCallback() =>
            o.Print("in callback, current_task is None:", CurrentTask() is null);

        async Task Child()
        {
            var me = CurrentTask()!;
            o.Print("child sees its own task:", ReferenceEquals(me, childTask), "name:", me.Name);
            await Sleep(0.01);
        }

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            o.Print("main all_tasks:", loop.AllTasks().Count);
            childTask = loop.CreateTask(() => Child(), name: "child");
            o.Print("after create_task:", loop.AllTasks().Count);
            loop.CallSoon(PlainCallback);
            await Sleep(0);
            o.Print("main sees itself:", ReferenceEquals(CurrentTask(), mainTask));
            await childTask;
            o.Print("after child done:", loop.AllTasks().Count);
        }

        var loop = new EventLoop(Virtual);
        childTask = null;
        mainTask = loop.CreateTask(() => Main(), name: "main");
        o.Print("outside loop, all_tasks:", loop.AllTasks().Count);
        loop.RunUntilComplete(mainTask);
        o.Print("after run:", loop.AllTasks().Count);
        loop.Close();
    }

    [Transcript("32_exception_handler_done_callback")]
    public static void ExceptionHandlerDoneCallback(TextWriter o)
    {
        void Handler(EventLoop loop, ExceptionContext context)
        {
            var words = FirstWords(context.Message, 3);
            o.Print("handler:", words, "|", TypeName(context.Exception),
                    "|", Py.Sorted(context.Keys));
        }

        void BadCb(Future fut)
        {
            o.Print("bad_cb runs");
            throw new KeyNotFoundException("k");
        }

        void GoodCb(Future fut) => o.Print("good_cb sees", fut.Result());

        async Task Main()
        {
            var loop = EventLoop.GetRunningLoop();
            loop.SetExceptionHandler(Handler);
            var f = loop.CreateFuture<string>();
            f.AddDoneCallback(BadCb);
            f.AddDoneCallback(GoodCb);
            f.SetResult("value");
            o.Print("main awaits f:", await f);
            await Sleep(0);
            o.Print("main done");
        }

        EventLoop.Run(() => Main(), Virtual);
    }
}
