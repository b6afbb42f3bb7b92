// The workloads of the cross-runtime comparison on this project's EventLoop (real time), each
// returning the nanoseconds it took; run by Program.cs here and by benchmarks/ab.
using System.Diagnostics;
using Asyncio;

internal static class Workloads
{
    private static readonly EventLoopOptions RealTime = new() { VirtualTime = false };

    /// <summary>The same fixed-seed delays in [0, 50 ms] as the other runners: a 32-bit LCG seeded 42.</summary>
    public static double[] Delays(int count)
    {
        uint state = 42;
        var result = new double[count];
        for (int i = 0; i < count; i++)
        {
            state = unchecked(state * 1664525u + 1013904223u);
            result[i] = state / 4294967296.0 * 0.050;
        }
        return result;
    }

    private static double Elapsed(long started) => Stopwatch.GetElapsedTime(started).Ticks * 100.0;

    public static double Chain(int n)
    {
        using var loop = new EventLoop(RealTime);
        int remaining = n;
        Action step = null!;
        step = () =>
        {
            if (--remaining > 0)
                loop.CallSoon(step);
            else
                loop.Stop();
        };
        long t0 = Stopwatch.GetTimestamp();
        loop.CallSoon(step);
        loop.RunForever();
        return Elapsed(t0);
    }

    public static double Queued(int n)
    {
        using var loop = new EventLoop(RealTime);
        Action noop = static () => { };
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < n; i++)
            loop.CallSoon(noop);
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        return Elapsed(t0);
    }

    public static (double Wall, double Cpu) Fire(double[] delays)
    {
        using var loop = new EventLoop(RealTime);
        int remaining = delays.Length;
        Action fire = () =>
        {
            if (--remaining == 0)
                loop.Stop();
        };
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        long t0 = Stopwatch.GetTimestamp();
        foreach (double delay in delays)
            loop.CallLater(delay, fire);
        loop.RunForever();
        double wall = Elapsed(t0);
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpu0).Ticks * 100.0;
        return (wall, cpu);
    }

    public static double Cancel(double[] delays)
    {
        using var loop = new EventLoop(RealTime);
        Action noop = static () => { };
        var handles = new TimerHandle[delays.Length];
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < delays.Length; i++)
            handles[i] = loop.CallLater(delays[i], noop);
        for (int i = 0; i < handles.Length; i++)
            handles[i].Cancel();
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        return Elapsed(t0);
    }

    public static double RunCoroutine(Func<EventLoop, int, Func<Task>> make, int n)
    {
        using var loop = new EventLoop(RealTime);
        var main = make(loop, n);
        long t0 = Stopwatch.GetTimestamp();
        loop.RunUntilComplete(main);
        return Elapsed(t0);
    }

    public static Func<Task> Spawn(EventLoop loop, int n) => async () =>
    {
        Func<Task> child = async () => await loop.Sleep(0);
        var children = new Func<Task>[n];
        Array.Fill(children, child);
        await loop.Gather(children);
    };

    public static Func<Task> FuturesPingPong(EventLoop loop, int n) => async () =>
    {
        Future<int> inboxA = null!;
        var inboxB = loop.CreateFuture<int>();
        var b = loop.CreateTask(async () =>
        {
            for (int i = 0; i < n; i++)
            {
                int value = await inboxB;
                inboxB = loop.CreateFuture<int>();
                inboxA.SetResult(value);
            }
        });
        for (int i = 0; i < n; i++)
        {
            inboxA = loop.CreateFuture<int>();
            inboxB.SetResult(i);
            await inboxA;
        }
        await b;
    };

    public static Func<Task> QueuePingPong(EventLoop loop, int n) => async () =>
    {
        var there = new AsyncQueue<int>(1);
        var back = new AsyncQueue<int>(1);
        var pong = loop.CreateTask(async () =>
        {
            for (int i = 0; i < n; i++)
                await back.PutAsync(await there.GetAsync());
        });
        for (int i = 0; i < n; i++)
        {
            await there.PutAsync(i);
            await back.GetAsync();
        }
        await pong;
    };

    public static Func<Task> AwaitFinished(EventLoop loop, int n) => async () =>
    {
        var done = loop.CreateFuture<int>();
        done.SetResult(1);
        int total = 0;
        for (int i = 0; i < n; i++)
            total += await done;
        GC.KeepAlive(total);
    };

    public static Func<Task> SleepZero(EventLoop loop, int n) => async () =>
    {
        for (int i = 0; i < n; i++)
            await loop.Sleep(0);
    };

    /// <summary><c>await Task.Yield()</c> in a task, <paramref name="n"/> times: .NET posts the method's state machine to the task's context (benchmarks/ab only: no peer runs it).</summary>
    public static Func<Task> TaskYield(EventLoop loop, int n) => async () =>
    {
        for (int i = 0; i < n; i++)
            await Task.Yield();
    };

    /// <summary>A task awaits a .NET Task <paramref name="n"/> times, each completed by a loop callback: the continuation comes back through a post to the task's context (benchmarks/ab only: no peer runs it).</summary>
    public static Func<Task> DotNetTaskAwait(EventLoop loop, int n) => async () =>
    {
        for (int i = 0; i < n; i++)
        {
            var pending = new TaskCompletionSource();
            loop.CallSoon(pending.SetResult);
            await pending.Task;
        }
    };

    /// <summary>Two tasks take an <see cref="AsyncLock"/> in turn, <paramref name="n"/> hand-offs (benchmarks/ab only: no peer runs it).</summary>
    public static Func<Task> LockHandOff(EventLoop loop, int n) => async () =>
    {
        var lk = new AsyncLock();
        async Task Take(int times)
        {
            for (int i = 0; i < times; i++)
            {
                await lk.AcquireAsync();
                await loop.Sleep(0);
                lk.Release();
            }
        }
        var other = loop.CreateTask(() => Take(n / 2));
        await Take(n / 2);
        await other;
    };
}
