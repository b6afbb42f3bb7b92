using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Asyncio.Tests.Diagnostics;

/// <summary>A fact that is skipped, with the reason, when no Chromium binary is on the PATH.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Binary is null)
            Skip = "no chromium binary on PATH (Debian: apt-get install chromium; .ci/run installs it)";
    }
}

/// <summary>Headless Chromium, to check what a page renders.</summary>
internal static class Chromium
{
    public static readonly string? Binary = Find();

    private static string? Find()
    {
        foreach (string name in new[] { "chromium", "chromium-browser", "google-chrome" })
        {
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                    return candidate;
            }
        }
        return null;
    }

    /// <summary>The DOM after the page's scripts ran, in a window of the given size, with an optional <paramref name="fragment"/> (<c>#...</c>) on the address.</summary>
    public static string DumpDom(string htmlPath, string fragment = "", int width = 1280, int height = 900) =>
        Run("--window-size=" + width + "," + height, "--allow-file-access-from-files", "--dump-dom", new Uri(htmlPath).AbsoluteUri + fragment);

    /// <summary>A PNG of the page as a window of <paramref name="width"/> × <paramref name="height"/> shows it.</summary>
    public static void Screenshot(string htmlPath, string pngPath, int width = 1280, int height = 900, string fragment = "") =>
        Run("--window-size=" + width + "," + height, "--hide-scrollbars", "--screenshot=" + pngPath, new Uri(htmlPath).AbsoluteUri + fragment);

    private static string Run(params string[] arguments)
    {
        string profile = Directory.CreateTempSubdirectory("chromium-profile-").FullName;
        try
        {
            var start = new ProcessStartInfo(Binary!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile,
            }.Concat(arguments))
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish in 90 s");
            }
            Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

public class TimelineHtmlTests : LoopTest
{
    private ChromeTraceRecorder Record(int seed, int actors = 12)
    {
        var loop = NewLoop();
        var trace = ChromeTraceRecorder.Attach(loop);
        RandomWorkload.Run(loop, seed, actors);
        return trace;
    }

    private static string Html(ChromeTraceRecorder trace)
    {
        var writer = new StringWriter { NewLine = "\n" };
        TimelineHtml.Write(trace, writer, "test <timeline>");
        return writer.ToString();
    }

    [Fact]
    public void Write_SameTrace_SameBytes()
    {
        Assert.Equal(Html(Record(4)), Html(Record(4)));
    }

    [Fact]
    public void Write_IsSelfContained()
    {
        string html = Html(Record(4));

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain(" src=", html);
        Assert.DoesNotContain("@import", html);
        // The only URL is the SVG namespace, which is a name, not a resource.
        Assert.Equal(["http://www.w3.org/2000/svg"], Regex.Matches(html, @"https?://[^\s""']+").Select(m => m.Value).Distinct());
        Assert.Contains("<title>test &lt;timeline&gt;</title>", html);
        // The embedded trace cannot close its script element early.
        string data = html[(html.IndexOf("id=\"trace\">", StringComparison.Ordinal) + 11)..];
        data = data[..data.IndexOf("</script>", StringComparison.Ordinal)];
        Assert.DoesNotContain("<", data);
        using var document = System.Text.Json.JsonDocument.Parse(data);
        Assert.True(document.RootElement.GetProperty("traceEvents").GetArrayLength() > 100);
    }

    /// <summary>A small program on virtual time, as the Timeline example runs: a timer completes a Future that wakes a task, another task sleeps, a callback runs.</summary>
    private ChromeTraceRecorder RecordSmallProgram()
    {
        var loop = NewLoop();
        var trace = ChromeTraceRecorder.Attach(loop);
        var main = loop.CreateTask(async () =>
        {
            var order = loop.CreateFuture<string>();
            loop.CallLater(0.3, () => order.SetResult("soup"));
            var waiter = loop.CreateTask(async () => { string dish = await order; await loop.Sleep(0.5); return dish; }, "waiter");
            var baker = loop.CreateTask(async () => { await loop.Sleep(0.4); await loop.Sleep(0.4); return "bread"; }, "baker");
            loop.CallSoon(() => { });
            return (await loop.Gather([waiter, baker])).Length;
        }, "main");
        loop.RunUntilComplete(main);
        return trace;
    }

    private static string WithPage(ChromeTraceRecorder trace, Func<string, string> open)
    {
        string path = Path.Combine(Path.GetTempPath(), $"timeline-{Guid.NewGuid():N}.html");
        try
        {
            TimelineHtml.Write(trace, path);
            return open(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static int Attribute(string dom, string name) => int.Parse(Regex.Match(dom, name + @"=""(\d+)""").Groups[1].Value);

    [ChromiumFact]
    public void Write_OpenedInHeadlessChromium_RendersEveryIteration()
    {
        var trace = Record(9);
        string dom = WithPage(trace, path => Chromium.DumpDom(path, "#all"));

        // Elements the script made from the data prove that it ran.
        var cards = Regex.Matches(dom, @"<section class=""card iteration[^""]*"" data-index=""(\d+)""").Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(Enumerable.Range(1, trace.Iterations), cards);
        Assert.Contains($"data-rendered-iterations=\"{trace.Iterations}\"", dom);
        Assert.Contains($"{trace.Iterations} iterations, ", dom);
        Assert.Contains("class=\"box task", dom);
        Assert.Contains("class=\"flow wake-up\"", dom);
        Assert.Contains("class=\"flow timer\"", dom);
        Assert.Contains("class=\"flow scheduled\"", dom);
        Assert.DoesNotContain("Rendering…", dom);
        // Cards wrap: however many iterations, nothing scrolls sideways in a 1,280-pixel window.
        Assert.InRange(Attribute(dom, "data-scroll-width"), 1, Attribute(dom, "data-client-width"));
        Assert.InRange(Attribute(dom, "data-client-width"), 1, 1280);
    }

    [ChromiumFact]
    public void Write_SmallProgram_FitsOneScreenWithReadableNames()
    {
        var trace = RecordSmallProgram();
        string dom = WithPage(trace, path => Chromium.DumpDom(path));

        Assert.Equal(11, trace.Iterations);
        Assert.InRange(Attribute(dom, "data-scroll-width"), 1, 1280);
        Assert.InRange(Attribute(dom, "data-scroll-height"), 1, 900); // the whole program at once, no scrolling at all
        // The names are the ones asyncio would show, never the compiler's (<Main>b__0_1, <<Main>g__Cook|0_2>d).
        int start = dom.IndexOf("<div id=\"timeline\"", StringComparison.Ordinal);
        string text = Regex.Replace(dom[start..dom.IndexOf("<script", start, StringComparison.Ordinal)], "<[^>]*>", " ");
        Assert.DoesNotMatch(@"[a-z]__\d|>d__|\|\d+_\d+|d__\d", text);
        Assert.Contains("gather.&lt;locals&gt;._done_callback", text);
        Assert.Contains("timer 0.300: RecordSmallProgram.&lt;locals&gt;.&lt;lambda&gt;()", text);
        Assert.DoesNotContain("RunOnce", dom);
    }

    [ChromiumFact]
    public void Write_SelectedIteration_HighlightsWhatItScheduledAndSaysSo()
    {
        var trace = RecordSmallProgram();
        string dom = WithPage(trace, path => Chromium.DumpDom(path, "#iteration-3"));

        // Iteration 3 runs the order's timer, which completes the Future the waiter awaits: the waiter's step in iteration 4.
        Assert.Matches(@"<section class=""card iteration selected"" data-index=""3"">", dom);
        Assert.Matches(@"<section class=""card iteration receives"" data-index=""4"">", dom);
        Assert.Single(Regex.Matches(dom, @"class=""box [a-z-]+ scheduled"""));
        Assert.Contains("It scheduled: ▶ waiter (iteration 4).", dom);
        Assert.Contains("iteration 3 (4 of 12)", dom);
        Assert.Contains("class=\"flow wake-up\"", dom);
    }

    [ChromiumFact]
    public void Write_ArrowKeysAndButtons_StepThroughIterations()
    {
        var trace = RecordSmallProgram();
        string dom = WithPage(trace, path =>
        {
            // A page that holds the timeline in a frame, presses keys and buttons there, and writes down what was selected.
            string harness = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + "-keys.html");
            File.WriteAllText(harness, $$"""
                <!DOCTYPE html><html><body><iframe id="f" src="{{Path.GetFileName(path)}}#iteration-2" style="width:1280px;height:900px"></iframe>
                <script>
                document.getElementById("f").addEventListener("load", function () {
                  var d = this.contentDocument, seen = [];
                  function selected() { return d.querySelector("section.selected").getAttribute("data-index") || "before"; }
                  function key(k) { d.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true })); seen.push(selected()); }
                  seen.push(selected());
                  key("ArrowRight"); key("ArrowRight"); key("ArrowLeft"); key("End");
                  d.getElementById("previous").click(); seen.push(selected());
                  key("Home"); d.getElementById("next").click(); seen.push(selected());
                  document.body.setAttribute("data-seen", seen.join(" "));
                });
                </script></body></html>
                """);
            try
            {
                return Chromium.DumpDom(harness);
            }
            finally
            {
                File.Delete(harness);
            }
        });

        // Home selects "before the loop runs" (no index): then next is iteration 1.
        Assert.Contains("data-seen=\"2 3 4 3 11 10 before 1\"", dom);
    }

    [ChromiumFact]
    public void Screenshot_AtTheWidthOfALaptop_IsThatWide()
    {
        var trace = RecordSmallProgram();
        byte[] png = Convert.FromBase64String(WithPage(trace, path =>
        {
            string file = Path.ChangeExtension(path, ".png");
            try
            {
                Chromium.Screenshot(path, file);
                return Convert.ToBase64String(File.ReadAllBytes(file));
            }
            finally
            {
                File.Delete(file);
            }
        }));

        // PNG: the IHDR chunk holds the width and the height, big-endian, from byte 16.
        Assert.Equal(1280, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(900, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.True(png.Length > 20_000, "a page with something drawn on it");
    }
}
