using System.Net;
using Asyncio.Internal;
using Xunit.Abstractions;

namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>
/// Memory the loop took comes back: failed tasks nobody references are
/// reported and freed without waiting for Close; the ready queue, the inbox and the timer heap
/// give back what a burst grew; an idle connection holds no receive buffer.
/// </summary>
/// <remarks>They measure the whole process, so they run alone (<see cref="ResourceBoundsCollection"/>).</remarks>
[Collection(ResourceBoundsCollection.Name)]
public class MemoryReturnTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    private static long SettledMemory() => ResourceBoundTests.SettledMemory();

    private static void RunOnce(EventLoop loop)
    {
        loop.CallSoon(loop.Stop);
        loop.RunForever();
    }

    private static async Task FailAsync()
    {
        await Task.CompletedTask;
        throw new InvalidOperationException("boom");
    }

    // asyncio reports a task whose exception was never retrieved when the task is collected
    // (Future.__del__), and frees it: a long-running loop with a million of them stays small.
    [Fact]
    public void FailedTasks_NobodyReferences_AreReportedAndFreedBeforeClose()
    {
        const int total = 1_000_000;
        const int batch = 10_000;
        var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        int reports = 0;
        var messages = new HashSet<string>();
        loop.SetExceptionHandler((_, context) =>
        {
            reports++;
            messages.Add(context.Message + " / " + context.Exception?.Message);
        });
        try
        {
            long before = SettledMemory();
            long peak = 0;
            for (int created = 0; created < total; created += batch)
            {
                for (int i = 0; i < batch; i++)
                    loop.CreateTask(FailAsync);
                RunOnce(loop);
                if ((created + batch) % 100_000 == 0)
                {
                    peak = Math.Max(peak, SettledMemory() - before);
                    RunOnce(loop); // the reports the finalizers posted
                }
            }
            SettledMemory();
            RunOnce(loop);
            SettledMemory();
            RunOnce(loop);
            long after = SettledMemory() - before;
            output.WriteLine($"{total} failed tasks: peak {peak / 1024} KiB, after {after / 1024} KiB held ({(double)after / total:F1} B per task); {reports} reports before Close");

            // The last task may still be referenced from somewhere on the thread: Close reports it.
            Assert.InRange(reports, total - 1, total);
            Assert.Equal(["Task exception was never retrieved / boom"], messages);
            Assert.InRange(peak, long.MinValue, 64 * MiB);
            Assert.InRange(after, long.MinValue, 4 * MiB);
        }
        finally
        {
            loop.Close();
        }
        Assert.Equal(total, reports); // each reported once: by the GC's finalizer or by Close
    }

    // What is still referenced at Close is reported there, once; a retrieved exception never is.
    [Fact]
    public void FailedFutures_AliveAtClose_AreReportedAtCloseOnce_RetrievedOnesNever()
    {
        var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        var reports = new List<ExceptionContext>();
        loop.SetExceptionHandler((_, context) => reports.Add(context));
        var kept = loop.CreateFuture<int>();
        kept.SetException(new InvalidOperationException("kept"));
        var retrieved = loop.CreateFuture<int>();
        retrieved.SetException(new InvalidOperationException("retrieved"));
        Assert.Equal("retrieved", retrieved.Exception()!.Message);
        SettledMemory();
        RunOnce(loop);
        Assert.Empty(reports);

        loop.Close();

        var report = Assert.Single(reports);
        Assert.Equal("Future exception was never retrieved", report.Message);
        Assert.Same(kept, report.Future);
        GC.KeepAlive(retrieved);
    }

    // 1.6 million posts from another thread in one burst used to leave 85 MB (the inbox's array
    // and the ready queue's spare segments) to the loop for its lifetime.
    [Fact]
    public void CrossThreadBurst_Drained_GivesTheInboxAndReadyQueueBack()
    {
        const int total = 1_600_000;
        var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        try
        {
            int ran = 0;
            Action callback = () => ran++;
            long before = SettledMemory();
            var poster = new Thread(() =>
            {
                for (int i = 0; i < total; i++)
                    loop.CallSoonThreadsafe(callback);
            });
            poster.Start();
            Assert.True(poster.Join(TimeSpan.FromSeconds(60)), "the poster did not finish");
            while (ran < total)
                RunOnce(loop);
            // A later post, as a running program makes: its drain finds the array oversized.
            var late = new Thread(() => loop.CallSoonThreadsafe(callback));
            late.Start();
            Assert.True(late.Join(TimeSpan.FromSeconds(10)));
            RunOnce(loop);
            long after = SettledMemory() - before;
            var (ready, inbox, timers) = loop.RetainedCapacity;
            output.WriteLine($"after {total} posts: {after / 1024} KiB held; ready queue {ready} slots, inbox {inbox}, timers {timers}");

            Assert.Equal(total + 1, ran);
            Assert.InRange(ready, 0, (ReadyQueue.MaxSpareSegments + 1) * ReadyQueue.MaxSegmentSize);
            Assert.InRange(inbox, 0, Inbox.RetainedItems);
            Assert.InRange(after, long.MinValue, 8 * MiB);
        }
        finally
        {
            loop.Close();
        }
    }

    // An idle loop gives the inbox back before it blocks.
    [Fact]
    public void Inbox_AfterBurst_ShrinksWhenTheLoopBlocks()
    {
        var inbox = new Inbox();
        var ready = new ReadyQueue();
        for (int i = 0; i < 100_000; i++)
            inbox.Post(new WorkItem(static () => { }, null, WorkKind.Action));
        Assert.Equal(100_000, inbox.DrainTo(ref ready));
        Assert.Equal(131_072, inbox.Capacity);

        inbox.Wait(0);

        Assert.Equal(Inbox.RetainedItems, inbox.Capacity);
    }

    // 10 million live timers cancelled at once used to leave 768 MB in the shared ArrayPool (every
    // doubling of the heap's array, parked there for a minute); here a million.
    [Fact]
    public void MillionTimers_CancelledAtOnce_LeaveNoLargeArrays()
    {
        const int total = 1_000_000;
        var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        try
        {
            long before = SettledMemory();
            ScheduleAndCancel(loop, total);
            RunOnce(loop);
            long after = SettledMemory() - before;
            output.WriteLine($"after {total} timers cancelled: {after / 1024} KiB held, heap {loop.RetainedCapacity.Timers} entries");

            Assert.InRange(loop.RetainedCapacity.Timers, 0, TimerHeap.ShrinkFloor);
            Assert.InRange(after, long.MinValue, 16 * MiB);
        }
        finally
        {
            loop.Close();
        }
    }

    // In a method of its own, so that no local of the test keeps the handles alive (Debug builds keep them to the end).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ScheduleAndCancel(EventLoop loop, int total)
    {
        var timers = new TimerHandle[total];
        for (int i = 0; i < total; i++)
            timers[i] = loop.CallLater(1 + i, static () => { });
        foreach (var timer in timers)
            timer.Cancel();
    }

    // Timers that fire (not cancelled) shrink the heap too, by half each time it falls to a quarter.
    [Fact]
    public void TimerHeap_AfterBurstFired_ShrinksToTheFloor()
    {
        var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        try
        {
            int fired = 0;
            for (int i = 0; i < 100_000; i++)
                loop.CallLater(1 + i * 0.001, () => fired++);
            Assert.Equal(131_072, loop.RetainedCapacity.Timers);

            // Run until the last has fired (a pending Stop would keep virtual time from moving).
            loop.CallLater(1000, loop.Stop);
            loop.RunForever();

            Assert.Equal(100_000, fired);

            Assert.Equal(TimerHeap.ShrinkFloor, loop.RetainedCapacity.Timers);
        }
        finally
        {
            loop.Close();
        }
    }

    // Each idle connection held 67 KiB (a 64 KiB receive buffer, always in flight); now the
    // receive waits with no buffer and the reader returns its buffer when emptied.
    [Fact]
    public void IdleConnections_HoldAFewKiBEach()
    {
        const int connections = 200;
        var loop = new EventLoop(new EventLoopOptions { VirtualTime = false });
        var reports = new List<ExceptionContext>();
        loop.SetExceptionHandler((_, context) => reports.Add(context));
        try
        {
            long perConnection = loop.RunUntilComplete(loop.CreateTask(async () =>
            {
                var serverSide = new List<LoopStreamWriter>();
                var server = await loop.StartServerAsync(async (reader, writer) =>
                {
                    serverSide.Add(writer);
                    await reader.ReadAsync(); // idle until the client closes
                    writer.Close();
                }, "127.0.0.1", 0);
                int port = ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;
                var clients = new List<(LoopStreamReader Reader, LoopStreamWriter Writer)>();
                // Warm up: the first connection's one-time costs (the pools, the socket engine).
                var warm = await loop.OpenConnectionAsync("127.0.0.1", port);
                warm.Writer.Write("x"u8.ToArray());
                await warm.Writer.DrainAsync();
                while (serverSide.Count < 1)
                    await loop.Sleep(0.001);
                long before = SettledMemory();
                for (int i = 0; i < connections; i++)
                {
                    var client = await loop.OpenConnectionAsync("127.0.0.1", port);
                    // Some traffic first: a connection that was used is idle too afterwards.
                    client.Writer.Write("hello\n"u8.ToArray());
                    await client.Writer.DrainAsync();
                    clients.Add(client);
                }
                while (serverSide.Count < connections + 1)
                    await loop.Sleep(0.001);
                await loop.Sleep(0.05);
                long held = SettledMemory() - before;
                foreach (var (_, writer) in clients)
                    writer.Close();
                warm.Writer.Close();
                server.Close();
                await server.WaitClosedAsync();
                GC.KeepAlive(clients);
                return held / connections;
            }));
            output.WriteLine($"idle connection (both ends): {perConnection} B");
            Assert.InRange(perConnection, long.MinValue, 16 * 1024);
        }
        finally
        {
            loop.Close();
        }
    }
}
