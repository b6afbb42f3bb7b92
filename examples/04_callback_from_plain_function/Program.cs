// Tip 4: from a plain function, start an async function and be told when it is done.
using Asyncio;

var loop = new EventLoop();

async Task AsyncFunc()
{
    await loop.Sleep(1);
}

void Basic()
{
    void OnComplete(Future task) => Console.WriteLine("sleep finished");

    var task = loop.EnsureFuture(() => AsyncFunc());
    task.AddDoneCallback(OnComplete);
}

async Task Main()
{
    Console.WriteLine("main: start");

    Basic();

    await loop.Sleep(1.1);
    Console.WriteLine("main: finished");
}

loop.RunUntilComplete(() => Main());
loop.Close();
