// Tip 1: start an async function without awaiting it.
// Python: asyncio.ensure_future(nowait()) -- here loop.EnsureFuture(() => Nowait()).
// The task's first step runs only when main yields (at its first await).
using Asyncio;

var loop = new EventLoop();

async Task Nowait()
{
    Console.WriteLine("nowait start");
    await loop.Sleep(1);
    Console.WriteLine("nowait finished");
}

async Task Main()
{
    Console.WriteLine("main: start");
    _ = loop.EnsureFuture(() => Nowait()); // "_ =": not awaited on purpose
    await loop.Sleep(0.6);
    Console.WriteLine("main: sleep");
    await loop.Sleep(0.6);
    Console.WriteLine("main: finished");
}

loop.RunUntilComplete(() => Main());
loop.Close();
