using static Asyncio.Tests.Transcripts.PyMore;

namespace Asyncio.Tests.Transcripts.Twins;

// C# twins of programs/40-53 (locks, events, conditions, semaphores, queues, barrier): each mirrors its Python program line by line.
internal static class T40_Synchronization
{
    private static EventLoopOptions Virtual => new() { VirtualTime = true };

    private static EventLoop Loop => EventLoop.GetRunningLoop();

    [Transcript("40_lock_fifo")]
    public static void LockFifo(TextWriter o)
    {
        async Task Worker(AsyncLock lk, string name)
        {
            o.Print(name, "wants the lock");
            using (await lk.LockAsync())
            {
                o.Print(name, "holds the lock");
                await Sleep(0.1);
                o.Print(name, "releases");
            }
        }

        async Task Main()
        {
            var lk = new AsyncLock();
            double t0 = Loop.Time();
            var tasks = new List<Future>();
            foreach (var n in new[] { "a", "b", "c" })
                tasks.Add(Loop.CreateTask(() => Worker(lk, n)));
            await Sleep(0);
            o.Print("locked:", lk.Locked);
            await Sleep(0.15);
            tasks.Add(Loop.CreateTask(() => Worker(lk, "late")));
            await Loop.Gather(tasks);
            o.Print("locked:", lk.Locked, "time:", Py.Round(Loop.Time() - t0, 1));
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("41_lock_cancel_woken_waiter")]
    public static void LockCancelWokenWaiter(TextWriter o)
    {
        async Task Waiter(AsyncLock lk, string name)
        {
            try
            {
                await lk.AcquireAsync();
            }
            catch (CancelledError)
            {
                o.Print(name, "cancelled");
                throw;
            }
            o.Print(name, "acquired");
            lk.Release();
        }

        async Task Main()
        {
            var lk = new AsyncLock();
            await lk.AcquireAsync();
            var b = Loop.CreateTask(() => Waiter(lk, "b"));
            var c = Loop.CreateTask(() => Waiter(lk, "c"));
            await Sleep(0);
            lk.Release();
            b.Cancel();
            o.Print("released; b cancelled before resuming");
            await Loop.Gather([b, c], returnExceptions: true);
            o.Print("b cancelled:", b.Cancelled, "c done:", c.Done, "locked:", lk.Locked);

            await lk.AcquireAsync();
            var d = Loop.CreateTask(() => Waiter(lk, "d"));
            var e = Loop.CreateTask(() => Waiter(lk, "e"));
            await Sleep(0);
            d.Cancel();
            await Sleep(0);
            lk.Release();
            await Loop.Gather([d, e], returnExceptions: true);
            o.Print("d cancelled:", d.Cancelled, "locked:", lk.Locked);
            try
            {
                lk.Release();
            }
            catch (InvalidOperationException exc)
            {
                o.Print("RuntimeError:", exc.Message);
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("42_event_set_wakes_all")]
    public static void EventSetWakesAll(TextWriter o)
    {
        async Task Waiter(AsyncEvent ev, string name)
        {
            o.Print(name, "waiting");
            bool r = await ev.WaitAsync();
            o.Print(name, "woke", r);
        }

        async Task Main()
        {
            var ev = new AsyncEvent();
            var tasks = new List<Future>();
            foreach (var n in new[] { "a", "b", "c" })
                tasks.Add(Loop.CreateTask(() => Waiter(ev, n)));
            await Sleep(0);
            o.Print("is_set:", ev.IsSet);
            ev.Set();
            ev.Clear();
            o.Print("set then cleared:", ev.IsSet);
            await Loop.Gather(tasks);
            ev.Set();
            o.Print("wait on set event:", await ev.WaitAsync());
            var t = Loop.CreateTask(() => Waiter(ev, "d"));
            await t;
            ev.Clear();
            t = Loop.CreateTask(() => Waiter(ev, "e"));
            await Sleep(0);
            t.Cancel();
            try
            {
                await t;
            }
            catch (CancelledError)
            {
                o.Print("e cancelled while waiting");
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("43_condition_notify")]
    public static void ConditionNotify(TextWriter o)
    {
        async Task Consumer(AsyncCondition cond, string name, List<int> items)
        {
            using (await cond.LockAsync())
            {
                o.Print(name, "waits");
                await cond.WaitForAsync(() => items.Count > 0);
                o.Print(name, "got", items[0]);
                items.RemoveAt(0);
            }
        }

        async Task Main()
        {
            var cond = new AsyncCondition();
            var items = new List<int>();
            var tasks = new List<Future>();
            foreach (var n in new[] { "a", "b", "c", "d" })
                tasks.Add(Loop.CreateTask(() => Consumer(cond, n, items)));
            await Sleep(0);
            using (await cond.LockAsync())
            {
                items.Add(1);
                cond.Notify();
            }
            await Sleep(0.01);
            using (await cond.LockAsync())
            {
                items.AddRange([2, 3]);
                cond.Notify(2);
            }
            await Sleep(0.01);
            using (await cond.LockAsync())
            {
                items.Add(4);
                cond.NotifyAll();
            }
            await Loop.Gather(tasks);
            try
            {
                cond.Notify();
            }
            catch (InvalidOperationException exc)
            {
                o.Print("RuntimeError:", exc.Message);
            }
            try
            {
                await cond.WaitAsync();
            }
            catch (InvalidOperationException exc)
            {
                o.Print("RuntimeError:", exc.Message);
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("44_semaphore_fifo")]
    public static void SemaphoreFifo(TextWriter o)
    {
        async Task Worker(AsyncSemaphore sem, string name, double duration, double t0)
        {
            using (await sem.LockAsync())
            {
                o.Print((Loop.Time() - t0).ToString("F2", System.Globalization.CultureInfo.InvariantCulture), name, "in");
                await Sleep(duration);
                o.Print((Loop.Time() - t0).ToString("F2", System.Globalization.CultureInfo.InvariantCulture), name, "out");
            }
        }

        async Task Main()
        {
            var sem = new AsyncSemaphore(2);
            double t0 = Loop.Time();
            var jobs = new[] { ("a", 0.35), ("b", 0.1), ("c", 0.2), ("d", 0.1), ("e", 0.1) };
            var tasks = new List<Future>();
            foreach (var (n, d) in jobs)
                tasks.Add(Loop.CreateTask(() => Worker(sem, n, d, t0)));
            await Sleep(0);
            o.Print("locked:", sem.Locked);
            await Loop.Gather(tasks);
            o.Print("locked:", sem.Locked);
            try
            {
                _ = new AsyncSemaphore(-1);
            }
            catch (ArgumentOutOfRangeException exc)
            {
                o.Print("ValueError:", exc.Message);
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("45_bounded_semaphore")]
    public static void BoundedSemaphore(TextWriter o)
    {
        async Task Waiter(AsyncSemaphore sem, string name)
        {
            try
            {
                await sem.AcquireAsync();
            }
            catch (CancelledError)
            {
                o.Print(name, "cancelled");
                throw;
            }
            o.Print(name, "acquired");
        }

        async Task Main()
        {
            var sem = new AsyncBoundedSemaphore(1);
            await sem.AcquireAsync();
            var b = Loop.CreateTask(() => Waiter(sem, "b"));
            var c = Loop.CreateTask(() => Waiter(sem, "c"));
            await Sleep(0);
            sem.Release();
            b.Cancel();
            await Loop.Gather([b, c], returnExceptions: true);
            o.Print("c done:", c.Done, "locked:", sem.Locked);
            sem.Release();
            o.Print("locked after release:", sem.Locked);
            try
            {
                sem.Release();
            }
            catch (SemaphoreFullException exc)
            {
                o.Print("ValueError:", exc.Message);
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("46_queue_producer_consumer")]
    public static void QueueProducerConsumer(TextWriter o)
    {
        async Task Producer(AsyncQueue<int?> q, int n)
        {
            for (int i = 0; i < n; i++)
            {
                await q.PutAsync(i);
                o.Print("put", i, "qsize", q.Count, "full", q.Full);
            }
            await q.PutAsync(null);
        }

        async Task Consumer(AsyncQueue<int?> q)
        {
            while (true)
            {
                var item = await q.GetAsync();
                if (item is null)
                {
                    o.Print("consumer done");
                    return;
                }
                o.Print("got", item.Value);
                await Sleep(0.01);
            }
        }

        async Task Main()
        {
            var q = new AsyncQueue<int?>(maxSize: 2);
            double t0 = Loop.Time();
            o.Print("maxsize", q.MaxSize, "empty", q.Empty);
            await Loop.Gather(() => Producer(q, 5), () => Consumer(q));
            o.Print("empty", q.Empty, "time", Py.Round(Loop.Time() - t0, 2));
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("47_queue_join_task_done")]
    public static void QueueJoinTaskDone(TextWriter o)
    {
        async Task Worker(AsyncQueue<int> q, string name)
        {
            while (true)
            {
                int item = await q.GetAsync();
                await Sleep(item / 10.0);
                o.Print(name, "processed", item);
                q.TaskDone();
            }
        }

        async Task Main()
        {
            var q = new AsyncQueue<int>();
            double t0 = Loop.Time();
            foreach (int i in new[] { 3, 1, 2, 1 })
                q.PutNowait(i);
            var workers = new[] { "w1", "w2" }.Select(n => (Future)Loop.CreateTask(() => Worker(q, n))).ToList();
            await q.JoinAsync();
            o.Print("joined at", Py.Round(Loop.Time() - t0, 1));
            foreach (var w in workers)
                w.Cancel();
            await Loop.Gather(workers, returnExceptions: true);
            await q.JoinAsync();
            o.Print("join on a finished queue returns at once");
            try
            {
                q.TaskDone();
            }
            catch (InvalidOperationException exc)
            {
                o.Print("ValueError:", exc.Message);
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("48_queue_nowait_errors")]
    public static void QueueNowaitErrors(TextWriter o)
    {
        async Task Main()
        {
            var q = new AsyncQueue<string>(maxSize: 1);
            try
            {
                q.GetNowait();
            }
            catch (QueueEmptyError)
            {
                o.Print("QueueEmpty");
            }
            q.PutNowait("x");
            try
            {
                q.PutNowait("y");
            }
            catch (QueueFullError)
            {
                o.Print("QueueFull");
            }
            o.Print(q.GetNowait(), q.Count);

            var getter = Loop.CreateTask(async () => await q.GetAsync());
            await Sleep(0);
            getter.Cancel();
            await Sleep(0);
            o.Print("getter cancelled:", getter.Cancelled);
            q.PutNowait("z");
            o.Print("item still there:", q.Count, q.GetNowait());

            var g1 = Loop.CreateTask(async () => await q.GetAsync());
            var g2 = Loop.CreateTask(async () => await q.GetAsync());
            await Sleep(0);
            q.PutNowait("w");
            g1.Cancel();
            o.Print("g2 got:", await g2, "g1 cancelled:", g1.Cancelled);
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("49_queue_shutdown")]
    public static void QueueShutdown(TextWriter o)
    {
        async Task Getter(AsyncQueue<int> q, string name)
        {
            try
            {
                while (true)
                    o.Print(name, "got", await q.GetAsync());
            }
            catch (QueueShutDownError)
            {
                o.Print(name, "QueueShutDown");
            }
        }

        async Task Main()
        {
            var q = new AsyncQueue<int>();
            var tasks = new[] { "g1", "g2" }.Select(n => (Future)Loop.CreateTask(() => Getter(q, n))).ToList();
            await Sleep(0);
            q.PutNowait(1);
            await Sleep(0);
            q.Shutdown();
            try
            {
                q.PutNowait(2);
            }
            catch (QueueShutDownError)
            {
                o.Print("put_nowait: QueueShutDown");
            }
            await Loop.Gather(tasks);

            var q2 = new AsyncQueue<string>(maxSize: 1);
            q2.PutNowait("a");
            var blocked = Loop.CreateTask(async () => await q2.PutAsync("b"));
            await Sleep(0);
            q2.Shutdown();
            try
            {
                await blocked;
            }
            catch (QueueShutDownError)
            {
                o.Print("blocked put: QueueShutDown");
            }
            o.Print("left:", q2.GetNowait());
            try
            {
                q2.GetNowait();
            }
            catch (QueueShutDownError)
            {
                o.Print("get_nowait: QueueShutDown");
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("50_queue_shutdown_immediate")]
    public static void QueueShutdownImmediate(TextWriter o)
    {
        async Task Main()
        {
            var q = new AsyncQueue<int>();
            for (int i = 0; i < 3; i++)
                q.PutNowait(i);
            o.Print("got", q.GetNowait());
            var joiner = Loop.CreateTask(async () => await q.JoinAsync());
            await Sleep(0);
            o.Print("join done before:", joiner.Done);
            q.Shutdown(immediate: true);
            o.Print("qsize:", q.Count);
            try
            {
                q.GetNowait();
            }
            catch (QueueShutDownError)
            {
                o.Print("get_nowait: QueueShutDown");
            }
            await Sleep(0);
            o.Print("join done after:", joiner.Done);
            q.TaskDone();
            await q.JoinAsync();
            o.Print("joined");
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("51_lifo_priority_queues")]
    public static void LifoPriorityQueues(TextWriter o)
    {
        async Task Main()
        {
            var lq = new AsyncLifoQueue<int>();
            foreach (int i in new[] { 1, 2, 3 })
                await lq.PutAsync(i);
            o.Print("lifo:", Enumerable.Range(0, 3).Select(_ => lq.GetNowait()).ToList());
            var pq = new AsyncPriorityQueue<int>();
            foreach (int i in new[] { 5, 1, 4, 2, 3 })
                pq.PutNowait(i);
            var got = new List<int>();
            for (int k = 0; k < 5; k++)
                got.Add(await pq.GetAsync());
            o.Print("priority:", got);

            var pq2 = new AsyncPriorityQueue<int>(maxSize: 2);
            async Task Consume()
            {
                for (int k = 0; k < 4; k++)
                {
                    o.Print("consumed", await pq2.GetAsync());
                    await Sleep(0);
                }
            }
            var c = Loop.CreateTask(() => Consume());
            foreach (int i in new[] { 9, 3, 7, 1 })
            {
                await pq2.PutAsync(i);
                o.Print("put", i);
            }
            await c;
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("52_barrier")]
    public static void Barrier(TextWriter o)
    {
        async Task Party(AsyncBarrier b, string name, double delay)
        {
            await Sleep(delay);
            o.Print(name, "arrives, n_waiting", b.Waiting);
            int index = await b.WaitAsync();
            o.Print(name, "passes with index", index);
        }

        async Task Main()
        {
            var b = new AsyncBarrier(3);
            await Loop.Gather(() => Party(b, "a", 0.1), () => Party(b, "b", 0.2), () => Party(b, "c", 0.3));
            o.Print("n_waiting", b.Waiting, "broken", b.Broken);

            async Task Stuck(string name)
            {
                try
                {
                    await b.WaitAsync();
                }
                catch (BrokenBarrierError exc)
                {
                    o.Print(name, "BrokenBarrierError:", exc.Message);
                }
            }
            var t = Loop.CreateTask(() => Stuck("d"));
            await Sleep(0);
            await b.AbortAsync();
            await t;
            await Stuck("e");
            try
            {
                _ = new AsyncBarrier(0);
            }
            catch (ArgumentOutOfRangeException exc)
            {
                o.Print("ValueError:", exc.Message);
            }
        }

        EventLoop.Run(() => Main(), Virtual);
    }

    [Transcript("53_semaphore_cancel_waiting")]
    public static void SemaphoreCancelWaiting(TextWriter o)
    {
        async Task Waiter(AsyncSemaphore sem, string name)
        {
            try
            {
                using (await sem.LockAsync())
                {
                    o.Print(name, "in");
                    await Sleep(0.1);
                }
            }
            catch (CancelledError)
            {
                o.Print(name, "cancelled");
                throw;
            }
        }

        async Task Main()
        {
            var sem = new AsyncSemaphore(1);
            var names = new[] { "a", "b", "c", "d" };
            var tasks = names.ToDictionary(n => n, n => Loop.CreateTask(() => Waiter(sem, n)));
            await Sleep(0);
            tasks["b"].Cancel();
            tasks["c"].Cancel();
            await Loop.Gather(tasks.Values, returnExceptions: true);
            o.Print(names.Where(n => tasks[n].Cancelled).ToList(), "value locked:", sem.Locked);
        }

        EventLoop.Run(() => Main(), Virtual);
    }
}
