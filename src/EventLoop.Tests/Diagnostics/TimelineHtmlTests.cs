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

    /// <summary>The DOM after the page's scripts ran.</summary>
    public static string DumpDom(string htmlPath)
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
                "--user-data-dir=" + profile, "--dump-dom", new Uri(htmlPath).AbsoluteUri,
            })
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

    [ChromiumFact]
    public void Write_OpenedInHeadlessChromium_RendersEveryIteration()
    {
        var trace = Record(9);
        string path = Path.Combine(Path.GetTempPath(), $"timeline-{Guid.NewGuid():N}.html");
        try
        {
            TimelineHtml.Write(trace, path);
            string dom = Chromium.DumpDom(path);

            // Elements the script made from the data prove that it ran.
            var columns = Regex.Matches(dom, @"<g class=""iteration"" data-index=""(\d+)""").Select(m => int.Parse(m.Groups[1].Value)).ToList();
            Assert.Equal(Enumerable.Range(1, trace.Iterations), columns);
            Assert.Contains($"data-rendered-iterations=\"{trace.Iterations}\"", dom);
            Assert.Contains($"{trace.Iterations} iterations, ", dom);
            Assert.Contains("class=\"box task\"", dom);
            Assert.Contains("class=\"flow wake-up\"", dom);
            Assert.Contains("class=\"flow timer\"", dom);
            Assert.DoesNotContain("Rendering…", dom);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
