// Tip 5: wait for the first, or for all: Wait with ReturnWhen and a timeout.
// Wait cancels nothing: what is pending after a timeout keeps running.
using Asyncio;

var loop = new EventLoop();

async Task<string> Work(string name, double delay)
{
    await loop.Sleep(delay);
    return name;
}

static string Names(IEnumerable<LoopTask<string>> tasks) =>
    "[" + string.Join(", ", tasks.Select(t => $"'{t.Result()}'").Order(StringComparer.Ordinal)) + "]";

async Task Main()
{
    var tasks = new[] { ("slow", 0.3), ("fast", 0.1), ("medium", 0.2) }
        .Select(w => loop.EnsureFuture(() => Work(w.Item1, w.Item2)))
        .ToList();
    var (done, pending) = await loop.Wait(tasks, returnWhen: ReturnWhen.FirstCompleted);
    Console.WriteLine($"FIRST_COMPLETED done: {Names(done)} pending: {pending.Count}");
    (done, pending) = await loop.Wait(tasks, timeout: 0.15);
    Console.WriteLine($"timeout=0.15 done: {done.Count} pending: {pending.Count}");
    (done, pending) = await loop.Wait(tasks, returnWhen: ReturnWhen.AllCompleted);
    Console.WriteLine($"ALL_COMPLETED done: {Names(done)} pending: {pending.Count}");
}

loop.RunUntilComplete(() => Main());
loop.Close();
