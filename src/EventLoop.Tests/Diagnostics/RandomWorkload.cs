using System.Globalization;

namespace Asyncio.Tests.Diagnostics;

/// <summary>A seeded random mix of tasks, sleeps, Futures, timers, cancellations and failures, for determinism tests.</summary>
/// <remarks>
/// Every random choice is drawn from one <see cref="Random"/> with a fixed seed, on the loop's
/// thread, in the loop's order: the same seed gives the same program, and (the claim under
/// test) the same run.
/// </remarks>
internal static class RandomWorkload
{
    public static void Run(EventLoop loop, int seed, int actors = 30) =>
        loop.RunUntilComplete(() => MainAsync(loop, new Random(seed), actors));

    private static async Task MainAsync(EventLoop loop, Random random, int actors)
    {
        var tasks = new List<Future>();
        var lockedCounter = new AsyncLock();
        int shared = 0;
        for (int i = 0; i < actors; i++)
        {
            string name = "actor-" + i.ToString(CultureInfo.InvariantCulture);
            switch (random.Next(6))
            {
                case 0: // a task that sleeps a few random times
                    tasks.Add(loop.CreateTask(async () =>
                    {
                        int naps = random.Next(1, 4);
                        for (int n = 0; n < naps; n++)
                            await loop.Sleep(random.Next(0, 5) * 0.25);
                        return naps;
                    }, name));
                    break;
                case 1: // a Future resolved by a timer, awaited by a task
                {
                    var future = loop.CreateFuture<int>();
                    loop.CallLater(random.Next(1, 8) * 0.1, () => { if (!future.Done) future.SetResult(7); });
                    tasks.Add(loop.CreateTask(async () => await future, name));
                    break;
                }
                case 2: // a timer, cancelled half of the time before it fires
                {
                    var timer = loop.CallLater(random.Next(1, 10) * 0.2, () => shared++);
                    if (random.Next(2) == 0)
                        loop.CallLater(random.Next(0, 10) * 0.2, timer.Cancel);
                    break;
                }
                case 3: // a long sleeper cancelled by a timer
                {
                    var task = loop.CreateTask(async () => { await loop.Sleep(10); return 0; }, name);
                    loop.CallLater(random.Next(1, 20) * 0.1, () => task.Cancel("enough"));
                    tasks.Add(task);
                    break;
                }
                case 4: // a task that takes a lock, yields with Sleep(0), then fails
                    tasks.Add(loop.CreateTask(async () =>
                    {
                        using (await lockedCounter.LockAsync())
                        {
                            shared++;
                            await loop.Sleep(0);
                            await loop.Sleep(random.Next(1, 3) * 0.05);
                        }
                        throw new InvalidOperationException("actor failed");
                    }, name));
                    break;
                default: // a task that waits for another one with a timeout
                {
                    var inner = loop.CreateTask(async () => { await loop.Sleep(random.Next(1, 6) * 0.3); return 1; }, name + "-inner");
                    tasks.Add(loop.CreateTask(async () =>
                    {
                        try
                        {
                            return await loop.WaitFor(inner, 0.8);
                        }
                        catch (TimeoutException)
                        {
                            return -1;
                        }
                    }, name));
                    break;
                }
            }
            if (random.Next(3) == 0)
                await loop.Sleep(random.Next(0, 3) * 0.1);
        }
        await loop.Gather(tasks, returnExceptions: true);
    }
}

/// <summary>Writes every observer event as a line, with loop time and stable ids (in order of first sight).</summary>
internal sealed class EventLog : LoopObserver
{
    private readonly Dictionary<object, int> _ids = new(ReferenceEqualityComparer.Instance);

    public List<string> Lines { get; } = [];

    private int Id(object item)
    {
        if (!_ids.TryGetValue(item, out int id))
            _ids.Add(item, id = _ids.Count + 1);
        return id;
    }

    private static string T(EventLoop loop) => loop.Time().ToString("R", CultureInfo.InvariantCulture);

    public override void IterationStarted(EventLoop loop, int ready, int timers) => Lines.Add($"{T(loop)} iteration ready={ready} timers={timers}");
    public override void IterationFinished(EventLoop loop, int ran) => Lines.Add($"{T(loop)} end ran={ran}");
    public override void CallbackStarting(EventLoop loop, CallbackInfo callback) => Lines.Add($"{T(loop)} run {callback.Task?.Name ?? callback.Description}");
    public override void CallbackFinished(EventLoop loop, CallbackInfo callback) => Lines.Add($"{T(loop)} ran {callback.Task?.Name ?? callback.Description}");
    public override void TaskCreated(LoopTask task) => Lines.Add($"created {task.Name} #{Id(task)}");
    public override void TaskResumed(LoopTask task, Future? wokenBy) => Lines.Add($"resumed {task.Name} by #{(wokenBy is null ? 0 : Id(wokenBy))}");
    public override void TaskSuspended(LoopTask task, Future? waitingOn) => Lines.Add($"suspended {task.Name} on #{(waitingOn is null ? 0 : Id(waitingOn))} {waitingOn}");
    public override void TaskFinished(LoopTask task) => Lines.Add($"finished {task}");
    public override void TimerArmed(TimerHandle timer) => Lines.Add($"armed #{Id(timer)} {timer}");
    public override void TimerFired(TimerHandle timer) => Lines.Add($"fired #{Id(timer)}");
    public override void FutureCompleted(Future future) => Lines.Add($"completed #{Id(future)} {future}");
}
