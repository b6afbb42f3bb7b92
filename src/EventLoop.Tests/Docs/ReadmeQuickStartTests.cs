namespace Asyncio.Tests.Docs;

/// <summary>The README's quick start, compiled and run on virtual time: every line it shows works and prints what its comments say.</summary>
public class ReadmeQuickStartTests
{
    [Fact]
    public void QuickStart_PrintsWhatItsCommentsSay()
    {
        // A copy of the README's quick start; a local named Console captures what it prints.
        var Console = new StringWriter { NewLine = "\n" };

        EventLoop.Run(async () =>
        {
            var loop = EventLoop.GetRunningLoop();

            async Task<string> Work(string name, double delay)
            {
                await loop.Sleep(delay);                 // asyncio.sleep(delay)
                return name;
            }

            var fast = loop.CreateTask(() => Work("fast", 0.1));             // asyncio.create_task(work(...))
            string[] both = await loop.Gather(() => Work("a", 0.3), () => Work("b", 0.2));
            Console.WriteLine($"{await fast} {string.Join(",", both)}");      // fast a,b
            try { await loop.WaitFor(() => Work("slow", 5), timeout: 1); }
            catch (TimeoutException) { Console.WriteLine("timed out at " + loop.Time()); }

            var queue = new AsyncQueue<int>();                                // asyncio.Queue()
            loop.CallLater(TimeSpan.FromSeconds(0.5), () => queue.PutNowait(42));
            Console.WriteLine(await loop.WaitFor(queue.GetAsync(), 1.0));     // 42: any awaitable, no wrapper
            using var cts = new CancellationTokenSource();
            loop.CallLater(0.25, cts.Cancel);                                 // .NET cancellation ends any wait
            try { await queue.GetAsync(cts.Token); }
            catch (OperationCanceledException) { Console.WriteLine("cancelled, nothing lost"); }
            Task<string> forDotNet = loop.CreateTask(() => Work("x", 0.1)).AsTask();
            Console.WriteLine(await forDotNet);                               // x
        }, new EventLoopOptions { VirtualTime = true });

        Assert.Equal(["fast a,b", "timed out at 1.3", "42", "cancelled, nothing lost", "x"],
            Console.ToString().TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Readme_ShowsTheQuickStartThisTestRuns()
    {
        string readme = File.ReadAllText(Path.Combine(FindRoot(), "README.md"));
        Assert.Contains("    Console.WriteLine(await loop.WaitFor(queue.GetAsync(), 1.0));     // 42: any awaitable, no wrapper", readme);
        Assert.Contains("    Task<string> forDotNet = loop.CreateTask(() => Work(\"x\", 0.1)).AsTask();", readme);
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EventLoop.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
