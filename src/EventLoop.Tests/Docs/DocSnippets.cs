namespace Asyncio.Tests.Docs;

/// <summary>The code shown in <c>docs/*.md</c>: each region between <c>begin-snippet</c> and
/// <c>end-snippet</c> is copied verbatim into a document (<see cref="DocsTests"/> checks the copy),
/// and each test here compiles and runs it, so a snippet that stops compiling or stops being true fails.</summary>
/// <remarks>The snippets assert their own outcome, so the document shows what the loop really does.</remarks>
public class DocSnippets
{
    [Fact]
    public void HowTheLoopWorks_OneIteration()
    {
        // begin-snippet: one-iteration
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        var log = new List<string>();

        loop.CallLater(1.0, () => log.Add($"timer at t={loop.Time()}"));
        loop.CallSoon(() =>
        {
            log.Add("first");
            // Scheduled while iteration 1 runs: it waits for iteration 2.
            loop.CallSoon(() => log.Add("scheduled by first"));
        });
        loop.CallSoon(() => log.Add("second"));
        loop.CallLater(1.0, loop.Stop); // same deadline as the timer: runs after it
        loop.RunForever();

        Assert.Equal(["first", "second", "scheduled by first", "timer at t=1"], log);
        Assert.Equal(1.0, loop.Time()); // virtual time jumped straight to the deadline
        // end-snippet
    }

    [Fact]
    public void HowTheLoopWorks_TextTrace()
    {
        // begin-snippet: text-trace
        var trace = new StringWriter { NewLine = "\n" }; // or Console.Out, or EVENTLOOP_TRACE=1
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true, Trace = trace });
        var order = loop.CreateFuture<string>();
        loop.CallLater(0.5, () => order.SetResult("soup")); // the customer orders at t=0.5
        var waiter = loop.CreateTask(async () =>
        {
            string dish = await order;   // suspends until the timer's callback completes the Future
            await loop.Sleep(1);         // cooks for a second
            return dish + " served";
        }, "waiter");
        loop.CallSoon(() => trace.WriteLine("bell: the café opens")); // the program's own output
        loop.RunUntilComplete(waiter);

        Assert.Equal("soup served", waiter.Result());
        Assert.Equal(1.5, loop.Time());
        // end-snippet
        string expected = File.ReadAllText(Path.Combine(PackageReadmeTests.FindRoot(), "src/EventLoop.Tests/Docs/trace-walkthrough.txt"));
        Assert.Equal(expected.Replace("\r\n", "\n"), trace.ToString());
    }

    [Fact]
    public void HowTheLoopWorks_FutureCallbacksAreScheduled()
    {
        // begin-snippet: future-callbacks
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        var log = new List<string>();
        var future = loop.CreateFuture<int>();
        future.AddDoneCallback(f => log.Add($"callback sees {f.Result()}"));

        loop.CallSoon(() =>
        {
            future.SetResult(42);
            log.Add("SetResult returned"); // the callback has not run yet: it was CallSoon'ed
        });
        loop.RunUntilComplete(future);

        Assert.Equal(["SetResult returned", "callback sees 42"], log);
        // end-snippet
    }

    [Fact]
    public void HowTheLoopWorks_TaskContexts()
    {
        // begin-snippet: task-contexts
        var log = new List<string>();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.GetRunningLoop();
            var future = loop.CreateFuture<int>();

            async Task<int> Nested()
            {
                await loop.Sleep(0);  // one iteration
                return 1;
            }

            var b = loop.CreateTask(async () =>
            {
                log.Add("B waits");
                int x = await future;                   // suspends: resumes one CallSoon after SetResult
                log.Add($"B got {x}");
                log.Add($"B nested {await Nested()}"); // its own coroutine: no new task
            }, "B");

            await loop.Sleep(0);       // let B start and reach its await
            future.SetResult(7);       // B's wake-up is queued, not run inside SetResult
            log.Add($"A goes on, B is {(b.Done ? "done" : "pending")}");
            await b;
        }, new EventLoopOptions { VirtualTime = true });

        Assert.Equal(["B waits", "A goes on, B is pending", "B got 7", "B nested 1"], log);
        // end-snippet
    }

    [Fact]
    public void Porting_CoroutineObjects()
    {
        // begin-snippet: porting-coroutines
        static async Coroutine<string> Work(EventLoop loop, string name, double delay)
        {
            await loop.Sleep(delay);
            return name;
        }

        var log = new List<string>();
        async Coroutine Main()
        {
            var loop = EventLoop.GetRunningLoop();
            var fast = Work(loop, "fast", 0.1);   // work("fast", 0.1): nothing has run yet
            var task = loop.CreateTask(fast);     // asyncio.create_task(coro)
            string[] both = await loop.Gather(Work(loop, "a", 0.3), Work(loop, "b", 0.2));
            log.Add($"{await task} {string.Join(",", both)} at {loop.Time()}");
            try
            {
                await fast;                       // a coroutine runs once
            }
            catch (InvalidOperationException e)
            {
                log.Add(e.Message);
            }
        }

        EventLoop.Run(Main(), new EventLoopOptions { VirtualTime = true });
        Assert.Equal(["fast a,b at 0.3", "cannot reuse already awaited coroutine"], log);
        // end-snippet
    }

    [Fact]
    public void Porting_TaskGroupAndTimeout()
    {
        // begin-snippet: porting-structured
        var log = new List<string>();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.GetRunningLoop();

            async Task<string> Fetch(string name, double seconds)
            {
                await loop.Sleep(seconds);
                return name;
            }

            // async with asyncio.TaskGroup() as tg: ...
            LoopTask<string>? a = null, b = null;
            await loop.TaskGroup(async tg =>
            {
                a = tg.CreateTask(() => Fetch("a", 1));
                b = tg.CreateTask(() => Fetch("b", 2));
                await Task.CompletedTask;
            });
            log.Add($"{a!.Result()}{b!.Result()} at t={loop.Time()}");

            // async with asyncio.timeout(0.5): ...
            try
            {
                await loop.Timeout(0.5, async () => await Fetch("slow", 10));
            }
            catch (TimeoutException)
            {
                log.Add($"timed out at t={loop.Time()}");
            }
        }, new EventLoopOptions { VirtualTime = true });

        Assert.Equal(["ab at t=2", "timed out at t=2.5"], log);
        // end-snippet
    }

    [Fact]
    public void Porting_QueueAndLock()
    {
        // begin-snippet: porting-queue-lock
        var log = new List<string>();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.GetRunningLoop();
            var queue = new AsyncQueue<int>(maxSize: 2);   // asyncio.Queue(maxsize=2)
            var gate = new AsyncLock();                     // asyncio.Lock()

            async Task Worker(string name)
            {
                while (true)
                {
                    int item = await queue.GetAsync();      // await queue.get()
                    using (await gate.LockAsync())          // async with lock:
                    {
                        log.Add($"{name} took {item}");
                        await loop.Sleep(0.1);
                    }
                    queue.TaskDone();                       // queue.task_done()
                }
            }

            var workers = new[] { loop.CreateTask(() => Worker("w1")), loop.CreateTask(() => Worker("w2")) };
            for (int i = 1; i <= 4; i++)
                await queue.PutAsync(i);                    // await queue.put(i)
            await queue.JoinAsync();                        // await queue.join()
            foreach (var w in workers)
                w.Cancel();
            await loop.Gather(workers, returnExceptions: true);
            log.Add($"all done at t={loop.Time():0.0}");
        }, new EventLoopOptions { VirtualTime = true });

        Assert.Equal(["w1 took 1", "w2 took 2", "w1 took 3", "w2 took 4", "all done at t=0.4"], log);
        // end-snippet
    }

    [Fact]
    public void Porting_ToThread()
    {
        // begin-snippet: porting-to-thread
        int answer = EventLoop.Run(async () =>
        {
            var loop = EventLoop.GetRunningLoop();
            // await asyncio.to_thread(blocking): the function runs on the thread pool,
            // the await resumes on the loop's thread.
            int loopThread = Environment.CurrentManagedThreadId;
            int result = await loop.ToThread(() => 6 * 7);
            Assert.Equal(loopThread, Environment.CurrentManagedThreadId);
            return result;
        });

        Assert.Equal(42, answer);
        // end-snippet
    }

    // begin-snippet: virtual-time-test
    [Fact]
    public void Retry_BacksOffExponentially()
    {
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        var attempts = new List<double>();

        async Task<string> FlakyAsync()
        {
            attempts.Add(loop.Time());
            if (attempts.Count < 4)
                throw new IOException("try again");
            return "ok";
        }

        async Task<string> RetryAsync(Func<Task<string>> operation)
        {
            for (double delay = 1; ; delay *= 2)
            {
                try { return await operation(); }
                catch (IOException) { await loop.Sleep(delay); }
            }
        }

        string result = loop.RunUntilComplete(() => RetryAsync(FlakyAsync));

        Assert.Equal("ok", result);
        Assert.Equal([0.0, 1.0, 3.0, 7.0], attempts); // exact: no real time passed
    }
    // end-snippet

    [Fact]
    public void Testing_AnHourInMicroseconds()
    {
        // begin-snippet: virtual-hour
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int ticks = 0;

        loop.RunUntilComplete(async () =>
        {
            while (loop.Time() < 3600)
            {
                await loop.Sleep(1);        // one virtual second
                ticks++;
            }
        });

        Assert.Equal(3600, ticks);
        Assert.Equal(3600.0, loop.Time());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5)); // in practice a few milliseconds
        // end-snippet
    }

    [Fact]
    public void Testing_TimeProvider()
    {
        // begin-snippet: time-provider
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        var ticks = new List<double>();

        loop.RunUntilComplete(async () =>
        {
            // .NET's own timers, on loop time: Task.Delay, PeriodicTimer, CancellationTokenSource.
            await Task.Delay(TimeSpan.FromMinutes(1), loop.TimeProvider);
            ticks.Add(loop.Time());
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30), loop.TimeProvider);
            for (int i = 0; i < 2; i++)
            {
                await timer.WaitForNextTickAsync();
                ticks.Add(loop.Time());
            }
        });

        Assert.Equal([60.0, 90.0, 120.0], ticks);
        // end-snippet
    }

    [Fact]
    public void Testing_Deadlock()
    {
        // begin-snippet: deadlock
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        var never = loop.CreateFuture<int>();        // nobody will ever complete it
        var a = loop.CreateTask(async () => await never, "a");
        var b = loop.CreateTask(async () => await a, "b");

        // Instead of hanging, the loop says who waits on what.
        var e = Assert.Throws<DeadlockError>(() => loop.RunUntilComplete(b));
        Assert.Contains("  a: waits on <Future pending>", e.Message);
        Assert.Contains("  b: waits on <LoopTask pending name='a' wait_for=<Future pending>> -> <Future pending>", e.Message);
        // end-snippet
        a.Cancel();
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(b));
    }

    [Fact]
    public void Testing_ExceptionHandlerReports()
    {
        // begin-snippet: exception-handler
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true });
        var reports = new List<string>();
        loop.SetExceptionHandler((_, context) => reports.Add(context.Message));

        loop.CallSoon(() => throw new InvalidOperationException("boom"));
        loop.CallSoon(loop.Stop);   // still runs: a throwing callback never stops the loop
        loop.RunForever();

        Assert.StartsWith("Exception in callback", Assert.Single(reports));
        // end-snippet
    }
}
