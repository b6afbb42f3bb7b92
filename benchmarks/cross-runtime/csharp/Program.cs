// The performance workloads (W1 to W5) on this project's EventLoop (real time), one JSON line per workload, in
// the same format as bench_asyncio.py and bench_node.js:
//
//     dotnet run -c Release --project benchmarks/cross-runtime/csharp -- [--scale 1] [--only w1_chain,...]
//
// Each workload runs again and again for half a second to warm up (the JIT tiers a method up in
// the background after call counts and 100 ms pauses, twice with PGO: one warm-up run of 30 ms
// left the measured run partly on unoptimized code, 33 to 126 ns per W1 callback from run to
// run), then once measured; ns_per_op is wall time per
// operation, except w2_fire_cpu (process CPU time per timer: the timers are spread over 50 ms of
// wall time, so wall time mostly measures waiting).
using System.Diagnostics;
using System.Globalization;
using Asyncio;

double scale = 1;
HashSet<string>? only = null;
for (int i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--scale")
        scale = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
    else if (args[i] == "--only")
        only = [.. args[i + 1].Split(',')];
}

string runtime = "EventLoop (.NET " + Environment.Version + ")";
int Scaled(int count) => Math.Max(1000, (int)(count * scale));
bool Wanted(params string[] names) => only is null || names.Any(only.Contains);
void Emit(string workload, double ns, int ops)
{
    if (only is null || only.Contains(workload))
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"runtime\": \"{runtime}\", \"workload\": \"{workload}\", \"ns_per_op\": {ns / ops:R}, \"n\": {ops}}}"));
}

var delays = Workloads.Delays(200_000);

if (Wanted("w1_chain"))
{
    int n = Scaled(1_000_000);
    WarmUp(() => Workloads.Chain(n));
    Emit("w1_chain", Workloads.Chain(n), n);
}
if (Wanted("w1_queued"))
{
    int n = Scaled(1_000_000);
    WarmUp(() => Workloads.Queued(n));
    Emit("w1_queued", Workloads.Queued(n), n);
}
if (Wanted("w2_fire_cpu", "w2_fire_wall"))
{
    WarmUp(() => Workloads.Fire(delays));
    var (wall, cpu) = Workloads.Fire(delays);
    Emit("w2_fire_cpu", cpu, delays.Length);
    Emit("w2_fire_wall", wall, delays.Length);
}
if (Wanted("w2_cancel"))
{
    WarmUp(() => Workloads.Cancel(delays));
    Emit("w2_cancel", Workloads.Cancel(delays), delays.Length);
}
foreach (var (name, count, make) in new (string, int, Func<EventLoop, int, Func<Task>>)[]
{
    ("w3_spawn", 100_000, Workloads.Spawn),
    ("w4_futures", 200_000, Workloads.FuturesPingPong),
    ("w4_queue", 200_000, Workloads.QueuePingPong),
    ("w5_await_done", 1_000_000, Workloads.AwaitFinished),
    ("w5_sleep0", 1_000_000, Workloads.SleepZero),
})
{
    if (!Wanted(name))
        continue;
    int n = Scaled(count);
    WarmUp(() => Workloads.RunCoroutine(make, n));
    Emit(name, Workloads.RunCoroutine(make, n), n);
}

// Runs the workload until half a second has passed (at least once): see the top of the file.
static void WarmUp(Action run)
{
    long started = Stopwatch.GetTimestamp();
    do
        run();
    while (Stopwatch.GetElapsedTime(started).TotalMilliseconds < 500);
}
