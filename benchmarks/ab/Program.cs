// Runs one of the cross-runtime workloads (benchmarks/cross-runtime/csharp/Workloads.cs, on real
// time) for comparing two versions of the loop: run.sh builds this program against each and runs
// the two in turn. Usage: Ab WORKLOAD [ROUNDS]. Prints "WORKLOAD ns": the median over ROUNDS of
// ns per operation, after warming up for half a second. The workloads use only public API, so
// that it builds against older commits.
using System.Diagnostics;

string workload = args.Length > 0 ? args[0] : "chain";
int rounds = args.Length > 1 ? int.Parse(args[1]) : 11;
var delays = Workloads.Delays(200_000);

// Each workload as (operations, run returning its nanoseconds).
(int, Func<double>) Coroutine(Func<Asyncio.EventLoop, int, Func<Task>> make, int n) => (n, () => Workloads.RunCoroutine(make, n));
var (operations, run) = workload switch
{
    "chain" => (1_000_000, () => Workloads.Chain(1_000_000)),
    "queued" => (1_000_000, () => Workloads.Queued(1_000_000)),
    "timers" => (delays.Length, () => Workloads.Fire(delays).Wall), // CPU time has 10 ms ticks here
    "cancel" => (delays.Length, () => Workloads.Cancel(delays)),
    "spawn" => Coroutine(Workloads.Spawn, 100_000),
    "pingpong" => Coroutine(Workloads.FuturesPingPong, 200_000),
    "queue" => Coroutine(Workloads.QueuePingPong, 200_000),
    "await" => Coroutine(Workloads.AwaitFinished, 1_000_000),
    "sleep0" => Coroutine(Workloads.SleepZero, 1_000_000),
    "lock" => Coroutine(Workloads.LockHandOff, 200_000),
    "dotnet" => Coroutine(Workloads.DotNetTaskAwait, 200_000),
    "yield" => Coroutine(Workloads.TaskYield, 1_000_000),
    _ => throw new ArgumentException(
        $"unknown workload '{workload}': chain, queued, timers, cancel, spawn, pingpong, queue, await, sleep0, lock, dotnet, yield"),
};

var warmUp = Stopwatch.StartNew();
while (warmUp.Elapsed < TimeSpan.FromSeconds(0.5))
    run();
var samples = new List<double>();
for (int i = 0; i < rounds; i++)
    samples.Add(run() / operations);
samples.Sort();
Console.WriteLine($"{workload} {samples[samples.Count / 2]:F2}");
