// Tip 6 again, written with coroutine objects: an async Coroutine method runs none of its body
// when called, as an async def in Python, so Work("a", 0.3) is passed as is, as Python passes
// work('a', 0.3), and the program reads line for line as the seed's. It prints the same.
using Asyncio;

var loop = new EventLoop();

async Coroutine<string> Work(string name, double delay)
{
    await loop.Sleep(delay);
    Console.WriteLine($"{name} finished");
    return name;
}

async Coroutine Main()
{
    var results = await loop.Gather(Work("a", 0.3), Work("b", 0.1), Work("c", 0.2));
    Console.WriteLine($"gather results in argument order: [{string.Join(", ", results.Select(r => $"'{r}'"))}]");
    try
    {
        await loop.WaitFor(Work("too slow", 1.0), timeout: 0.1);
    }
    catch (TimeoutException)
    {
        Console.WriteLine("wait_for: TimeoutError after 0.1s");
    }
    Console.WriteLine($"wait_for in time: {await loop.WaitFor(Work("quick", 0.05), timeout: 1.0)}");
}

Console.WriteLine($"run_until_complete returned: {loop.RunUntilComplete(Work("first", 0.05))}");
loop.RunUntilComplete(Main());
loop.CallLater(0.1, loop.Stop);
loop.CallSoon(() => Console.WriteLine("run_forever: running until stop()"));
loop.RunForever();
Console.WriteLine("run_forever returned after stop()");
loop.Close();
