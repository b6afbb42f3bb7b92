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

    [Fact]
    public void PackageReadme_ShowsExactlyTheQuickStartThisTestRuns()
    {
        string root = FindRoot();
        string source = File.ReadAllText(Path.Combine(root, "src/EventLoop.Tests/Docs/ReadmeQuickStartTests.cs")).Replace("\r\n", "\n");
        string package = File.ReadAllText(Path.Combine(root, "src/EventLoop/PACKAGE.md")).Replace("\r\n", "\n");

        Assert.Equal(Body(source, "        EventLoop.Run(async () =>\n", "        }, new EventLoopOptions"),
                     Body(package, "EventLoop.Run(async () =>\n", "});\n"));
        Assert.Contains("```csharp\nusing Asyncio;\n\nEventLoop.Run(async () =>\n", package);
    }

    // The lines between the opening of EventLoop.Run and its end, de-indented and without trailing blanks.
    private static string[] Body(string text, string open, string close)
    {
        int start = text.IndexOf(open, StringComparison.Ordinal);
        Assert.True(start >= 0, "no " + open.Trim());
        start += open.Length;
        int end = text.IndexOf(close, start, StringComparison.Ordinal);
        Assert.True(end >= 0, "no " + close.Trim());
        var lines = text[start..end].Split('\n').Select(l => l.TrimEnd()).ToList();
        int indent = lines.Where(l => l.Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return lines.Where(l => l.Length > 0).Select(l => l[indent..]).ToArray();
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EventLoop.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
