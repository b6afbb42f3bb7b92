// The loop's side of issue 6's workloads (and a lock hand-off), for comparing two versions of
// the loop: benchmarks/ab/run.sh builds this program against each and runs the two in turn.
// Usage: Ab WORKLOAD [ROUNDS]. Prints "WORKLOAD ns" (the median over ROUNDS of ns per operation,
// after warming up for half a second). Only public API, so that it builds against older commits.
using System.Diagnostics;
using Asyncio;

string workload = args.Length > 0 ? args[0] : "chain";
int rounds = args.Length > 1 ? int.Parse(args[1]) : 11;
var options = new EventLoopOptions { VirtualTime = true };

(int Operations, Action Run) Make(string name) => name switch
{
    "chain" => Chain(),
    "queued" => Queued(),
    "timers" => Timers(),
    "spawn" => Spawn(),
    "pingpong" => PingPong(),
    "queue" => QueuePingPong(),
    "sleep0" => SleepZero(),
    "lock" => LockHandOff(),
    _ => throw new ArgumentException($"unknown workload '{name}': chain, queued, timers, spawn, pingpong, queue, sleep0, lock"),
};

var (operations, run) = Make(workload);
var warmUp = Stopwatch.StartNew();
while (warmUp.Elapsed < TimeSpan.FromSeconds(0.5))
    run();
var samples = new List<double>();
for (int i = 0; i < rounds; i++)
{
    var clock = Stopwatch.StartNew();
    run();
    samples.Add(clock.Elapsed.TotalNanoseconds / operations);
}
samples.Sort();
Console.WriteLine($"{workload} {samples[samples.Count / 2]:F2}");

// W1 chain: each callback schedules the next.
(int, Action) Chain()
{
    const int N = 1_000_000;
    return (N, () =>
    {
        using var loop = new EventLoop(options);
        int remaining = N;
        Action step = null!;
        step = () =>
        {
            if (--remaining > 0)
                loop.CallSoon(step);
            else
                loop.Stop();
        };
        loop.CallSoon(step);
        loop.RunForever();
    });
}

// W1 queued: a million callbacks scheduled up front, run in one iteration.
(int, Action) Queued()
{
    const int N = 1_000_000;
    return (N, () =>
    {
        using var loop = new EventLoop(options);
        int remaining = N;
        Action noop = () => remaining--;
        for (int i = 0; i < N; i++)
            loop.CallSoon(noop);
        loop.CallSoon(loop.Stop);
        loop.RunForever();
    });
}

// W2 schedule+fire: 200,000 timers with fixed-seed delays in [0, 50 ms], on virtual time.
(int, Action) Timers()
{
    const int N = 200_000;
    var random = new Random(42);
    var delays = new double[N];
    for (int i = 0; i < N; i++)
        delays[i] = random.NextDouble() * 0.050;
    return (N, () =>
    {
        using var loop = new EventLoop(options);
        int remaining = N;
        Action fire = () =>
        {
            if (--remaining == 0)
                loop.Stop();
        };
        foreach (double delay in delays)
            loop.CallLater(delay, fire);
        loop.RunForever();
    });
}

// W3: 100,000 tasks each awaiting Sleep(0) once, gathered.
(int, Action) Spawn()
{
    const int N = 100_000;
    return (N, () =>
    {
        using var loop = new EventLoop(options);
        Func<Task> child = async () => await loop.Sleep(0);
        var children = new Func<Task>[N];
        Array.Fill(children, child);
        loop.RunUntilComplete(async () => await loop.Gather(children));
    });
}

// W4: two tasks hand a value back and forth through futures, 200,000 round trips.
(int, Action) PingPong()
{
    const int N = 200_000;
    return (N, () =>
    {
        using var loop = new EventLoop(options);
        loop.RunUntilComplete(async () =>
        {
            Future<int> inboxA = null!;
            var inboxB = loop.CreateFuture<int>();
            var b = loop.CreateTask(async () =>
            {
                for (int i = 0; i < N; i++)
                {
                    int value = await inboxB;
                    inboxB = loop.CreateFuture<int>();
                    inboxA.SetResult(value);
                }
            });
            for (int i = 0; i < N; i++)
            {
                inboxA = loop.CreateFuture<int>();
                inboxB.SetResult(i);
                await inboxA;
            }
            await b;
        });
    });
}

// W4: the same through two AsyncQueue(1).
(int, Action) QueuePingPong()
{
    const int N = 200_000;
    return (N, () =>
    {
        using var loop = new EventLoop(options);
        loop.RunUntilComplete(async () =>
        {
            var there = new AsyncQueue<int>(1);
            var back = new AsyncQueue<int>(1);
            var b = loop.CreateTask(async () =>
            {
                for (int i = 0; i < N; i++)
                    await back.PutAsync(await there.GetAsync());
            });
            for (int i = 0; i < N; i++)
            {
                await there.PutAsync(i);
                await back.GetAsync();
            }
            await b;
        });
    });
}

// W5: a million Sleep(0) in one task.
(int, Action) SleepZero()
{
    const int N = 1_000_000;
    return (N, () =>
    {
        using var loop = new EventLoop(options);
        loop.RunUntilComplete(async () =>
        {
            for (int i = 0; i < N; i++)
                await loop.Sleep(0);
        });
    });
}

// Lock hand-off: two tasks take a lock in turn, 200,000 times.
(int, Action) LockHandOff()
{
    const int N = 200_000;
    return (N, () =>
    {
        using var loop = new EventLoop(options);
        var lk = new AsyncLock();
        loop.RunUntilComplete(async () =>
        {
            async Task Take(int times)
            {
                for (int i = 0; i < times; i++)
                {
                    await lk.AcquireAsync();
                    await loop.Sleep(0);
                    lk.Release();
                }
            }
            var other = loop.CreateTask(() => Take(N / 2));
            await Take(N / 2);
            await other;
        });
    });
}
