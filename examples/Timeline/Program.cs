// See what the loop does. A tiny café runs on virtual time: a customer's order arrives by a
// timer and completes a Future, a waiter task awaits it and then cooks, a baker task sleeps
// in turns, and a plain callback rings a bell. A ChromeTraceRecorder watches every iteration;
// at the end the program writes
//   timeline.json  (open it in https://ui.perfetto.dev or chrome://tracing) and
//   timeline.html  (open it in any browser: every iteration on one screen; step through them
//                   with the arrow keys to see what each one ran and scheduled)
// to the folder given as the first argument, or the current folder. On virtual time both
// files are the same, byte for byte, on every run. With EVENTLOOP_TRACE=1 the loop also prints
// its text trace in the terminal, between the café's own lines.
using System.Globalization;
using Asyncio;

string folder = Path.GetFullPath(args.Length > 0 ? args[0] : Directory.GetCurrentDirectory());
Directory.CreateDirectory(folder);

// The trace option comes from the environment (EVENTLOOP_TRACE), the clock is always virtual.
using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true, Trace = EventLoopOptions.FromEnvironment().Trace });
var trace = new ChromeTraceRecorder(loop);
loop.Observer = loop.Observer is { } textTrace ? new CompositeObserver(textTrace, trace) : trace;
string Now() => loop.Time().ToString("0.0", CultureInfo.InvariantCulture);

var main = loop.CreateTask(async () =>
{
    var order = loop.CreateFuture<string>();
    loop.CallLater(0.3, () => order.SetResult("soup")); // the customer orders after 0.3 s

    async Task<string> Cook(string dish, double seconds)
    {
        await loop.Sleep(seconds); // a nested coroutine: part of the caller's task, no new task
        return dish + " ready";
    }

    var waiter = loop.CreateTask(async () =>
    {
        string dish = await order; // suspends until the timer's callback completes the Future
        Console.WriteLine($"{Now()} waiter: order for {dish}");
        return await Cook(dish, 0.5);
    }, "waiter");

    var baker = loop.CreateTask(async () =>
    {
        for (int loaf = 1; loaf <= 2; loaf++)
        {
            await loop.Sleep(0.4);
            Console.WriteLine($"{Now()} baker: loaf {loaf} out of the oven");
        }
        return "2 loaves";
    }, "baker");

    loop.CallSoon(() => Console.WriteLine($"{Now()} bell: the café opens")); // a plain callback

    var results = await loop.Gather([waiter, baker]);
    Console.WriteLine($"{Now()} done: {string.Join(", ", results)}");
    return results.Length;
}, "main");
loop.RunUntilComplete(main);

string json = Path.Combine(folder, "timeline.json");
string html = Path.Combine(folder, "timeline.html");
trace.WriteTo(json);
TimelineHtml.Write(trace, html, "A café on the event loop");
Console.WriteLine($"{trace.Iterations} iterations recorded");
Console.WriteLine($"trace:    {json}  (open in Perfetto or chrome://tracing)");
Console.WriteLine($"timeline: {html}  (open in a browser)");
