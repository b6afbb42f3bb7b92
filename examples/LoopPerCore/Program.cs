// One event loop per core, all serving the same TCP port: how a server built on this library (or
// on asyncio) uses more than one core.
//
// Why one loop per core: a loop is single-threaded by design. Its callbacks and tasks run one at
// a time on the thread that runs it, which is what makes them free of locks and races, and also
// what caps one loop at one core. Threads inside a loop would give that up; more loops keep it:
// each loop owns its thread, its server and its connections, and shares nothing with the others.
//
// How the connections get spread: every loop's server sets SO_REUSEPORT (`reusePort: true`,
// asyncio's `reuse_port=True`), so each has a listening socket of its own on the one port. The
// kernel (Linux 3.9 and later) hashes each new connection's addresses and ports to pick one of
// those sockets: no loop accepts for another, and no lock is shared. The spread is by hash, not
// by load: a few connections may land unevenly, many even out. macOS and FreeBSD accept the
// option but may favour one socket; Windows has no SO_REUSEPORT (the call throws
// PlatformNotSupportedException, as asyncio raises ValueError).
//
// usage: LoopPerCore [--loops N] [--host H] [--port P] [--seconds S] [--clients C]
//   --loops    how many loops (threads); default: Environment.ProcessorCount
//   --port     the shared port; default 8888; 0: a free one, picked by the first loop
//   --seconds  stop after this long; default: at Ctrl+C or SIGTERM
//   --clients  run this many echo clients (from one more loop, on the main thread), then stop
// When it stops, every loop is asked to stop from the main thread (loop.CallSoonThreadsafe(loop.Stop)),
// closes its server and connections, and the program prints how many connections each served.
// benchmarks/echo/run.sh starts it as "LoopPerCore --port PORT".
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Asyncio;
using Examples.LoopPerCore;

int loops = Environment.ProcessorCount;
string host = "127.0.0.1";
int port = 8888;
double? seconds = null;
int clients = 0;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    string value = args[i + 1];
    switch (args[i])
    {
        case "--loops": loops = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--host": host = value; break;
        case "--port": port = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--seconds": seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
        case "--clients": clients = int.Parse(value, CultureInfo.InvariantCulture); break;
        default: throw new ArgumentException($"unknown option {args[i]}");
    }
}
if (args.Length % 2 != 0)
    throw new ArgumentException($"option {args[^1]} has no value");
ArgumentOutOfRangeException.ThrowIfLessThan(loops, 1, "--loops");

// The first loop binds (and picks the port when it is 0), the others join it on that port.
var servingLoops = new List<ServingLoop>();
try
{
    for (int i = 0; i < loops; i++)
    {
        var servingLoop = new ServingLoop(i, host, port);
        port = servingLoop.Start();
        servingLoops.Add(servingLoop);
    }
}
catch
{
    foreach (var started in servingLoops)
    {
        started.Stop();
        started.Join();
    }
    throw;
}
Console.WriteLine($"{loops} loops serving echo on {host}:{port}");

if (clients > 0)
{
    int echoed = RunClients(host, port, clients);
    Console.WriteLine($"{echoed}/{clients} clients echoed");
}
else
{
    using var stop = new ManualResetEventSlim();
    // Ctrl+C and SIGTERM (what `kill` and `timeout` send) both end the run cleanly.
    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Set(); });
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Set(); });
    if (seconds is { } limit)
        stop.Wait(TimeSpan.FromSeconds(limit));
    else
        stop.Wait();
}

foreach (var servingLoop in servingLoops)
    servingLoop.Stop();
for (int i = 0; i < servingLoops.Count; i++)
    Console.WriteLine($"loop {i}: {servingLoops[i].Join()} connections");

// Echo clients, all on one more loop: each connects, sends a line, and checks that the same line
// comes back; returns how many did.
static int RunClients(string host, int port, int count)
{
    int echoed = 0;
    EventLoop.Run(async () =>
    {
        var loop = EventLoop.GetRunningLoop();
        async Task<bool> Client(int n)
        {
            var (reader, writer) = await loop.OpenConnectionAsync(host, port);
            var sent = Encoding.ASCII.GetBytes($"client {n}\n");
            writer.Write(sent);
            await writer.DrainAsync();
            var line = await reader.ReadLineAsync();
            writer.Close();
            await writer.WaitClosedAsync();
            return line.AsSpan().SequenceEqual(sent);
        }
        var results = await loop.Gather(Enumerable.Range(0, count).Select(n => (Func<Task<bool>>)(() => Client(n))).ToArray());
        echoed = results.Count(ok => ok);
    });
    return echoed;
}
