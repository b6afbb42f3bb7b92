// Tip 3: await a plain (non-async) function by having it return a Future.
// The plain function hands out a Future now and completes it later, from a done-callback.
using Asyncio;

var loop = new EventLoop();

Future<int> Basic()
{
    var fut = new Future<int>();

    void CalledAfterSecond(Future _) => fut.SetResult(555);

    loop.EnsureFuture(async () => await loop.Sleep(1)).AddDoneCallback(CalledAfterSecond);

    return fut;
}

async Task Main()
{
    Console.WriteLine("main: start");

    int result = await Basic();
    Console.WriteLine(result);

    Console.WriteLine("main: finished");
}

loop.RunUntilComplete(() => Main());
loop.Close();
