// Tip 2: run a plain function on the loop: CallSoon, CallLater, CallAt.
// The loop orders them by when they are due, not by when they were scheduled.
using Asyncio;

var loop = new EventLoop();
double start = loop.Time();

void Say(string what) =>
    Console.WriteLine($"{what} at +{Math.Round(loop.Time() - start, 1):0.0}s");

loop.CallLater(0.2, () => Say("call_later(0.2)"));
loop.CallAt(start + 0.1, () => Say("call_at(start + 0.1)"));
loop.CallSoon(() => Say("call_soon"));
loop.CallLater(0.3, loop.Stop);
loop.RunForever();
loop.Close();
