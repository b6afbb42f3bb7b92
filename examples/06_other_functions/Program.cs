// Tip 6: RunUntilComplete, Gather, WaitFor with a timeout, RunForever and Stop.
using Asyncio;

var loop = new EventLoop();

async Task<string> Work(string name, double delay)
{
    await loop.Sleep(delay);
    Console.WriteLine($"{name} finished");
    return name;
}

async Task Main()
{
    var results = await loop.Gather(() => Work("a", 0.3), () => Work("b", 0.1), () => Work("c", 0.2));
    Console.WriteLine($"gather results in argument order: [{string.Join(", ", results.Select(r => $"'{r}'"))}]");
    try
    {
        await loop.WaitFor(() => Work("too slow", 1.0), timeout: 0.1);
    }
    catch (TimeoutException)
    {
        Console.WriteLine("wait_for: TimeoutError after 0.1s");
    }
    Console.WriteLine($"wait_for in time: {await loop.WaitFor(() => Work("quick", 0.05), timeout: 1.0)}");
}

Console.WriteLine($"run_until_complete returned: {loop.RunUntilComplete(() => Work("first", 0.05))}");
loop.RunUntilComplete(() => Main());
loop.CallLater(0.1, loop.Stop);
loop.CallSoon(() => Console.WriteLine("run_forever: running until stop()"));
loop.RunForever();
Console.WriteLine("run_forever returned after stop()");
loop.Close();
