using System.Reflection;
using System.Text.Json;
using Asyncio.Tests.Examples;

namespace Asyncio.Tests.Diagnostics;

/// <summary>The Timeline and Simulation examples, run in this process with the console captured.</summary>
[Collection(nameof(ConsoleCollection))]
public class DiagnosticsExampleTests
{
    private static string Run(string assemblyName, params string[] args)
    {
        var entryPoint = Assembly.Load(assemblyName).EntryPoint!;
        var captured = new StringWriter { NewLine = "\n" };
        var previousOut = Console.Out;
        Console.SetOut(captured);
        try
        {
            entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [args]);
        }
        finally
        {
            Console.SetOut(previousOut);
        }
        return captured.ToString();
    }

    [Fact]
    public void Simulation_RunTwice_PrintsTheSameDay()
    {
        string first = Run("ExampleSimulation");
        string second = Run("ExampleSimulation");

        Assert.Equal(first, second);
        Assert.StartsWith("09:00  the bank opens (seed 20240501)\n", first);
        Assert.Contains("17:00  report: ", first);
        Assert.Contains("17:00  doors close", first);
        Assert.Contains("Ben goes to lunch", first);
        Assert.Contains("the last customer leaves", first);
        Assert.Contains("\ncustomers: ", first);
    }

    [Fact]
    public void Simulation_OtherSeed_AnotherDay()
    {
        Assert.NotEqual(Run("ExampleSimulation", "1"), Run("ExampleSimulation", "2"));
    }

    [Fact]
    public void Timeline_WritesTheSameTraceAndPageEveryRun()
    {
        string folder = Directory.CreateTempSubdirectory("timeline-").FullName;
        try
        {
            string output = Run("ExampleTimeline", folder);
            string json = File.ReadAllText(Path.Combine(folder, "timeline.json"));
            string html = File.ReadAllText(Path.Combine(folder, "timeline.html"));
            string again = Run("ExampleTimeline", folder);

            Assert.Equal(output, again);
            Assert.Equal(json, File.ReadAllText(Path.Combine(folder, "timeline.json")));
            Assert.Equal(html, File.ReadAllText(Path.Combine(folder, "timeline.html")));
            Assert.Contains("0.3 waiter: order for soup\n", output);
            Assert.Contains($"trace:    {Path.Combine(folder, "timeline.json")}", output);
            Assert.Contains($"timeline: {Path.Combine(folder, "timeline.html")}", output);
            using var document = JsonDocument.Parse(json);
            Assert.Contains(document.RootElement.GetProperty("traceEvents").EnumerateArray(),
                e => e.GetProperty("name").GetString() == "waiter" && e.GetProperty("ph").GetString() == "B");
            Assert.Contains("<title>A café on the event loop</title>", html);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Timeline_WithTraceVariable_PrintsTheTextTraceBetweenItsLinesAndStillRecords()
    {
        string folder = Directory.CreateTempSubdirectory("timeline-").FullName;
        string? previous = Environment.GetEnvironmentVariable(EventLoopOptions.TraceVariable);
        Environment.SetEnvironmentVariable(EventLoopOptions.TraceVariable, "1");
        try
        {
            string output = Run("ExampleTimeline", folder);

            Assert.Contains("  5.3 <lambda>()\n0.0 bell: the café opens\n", output);
            Assert.Contains("iteration 3 at t=0.300: 1 callback ready, 1 timer pending\n  2. nothing was ready: the clock jumps 0.300 s (virtual time)\n  4. timer due: <lambda>() (t=0.300)\n", output);
            Assert.Contains("11 iterations recorded\n", output);
        }
        finally
        {
            Environment.SetEnvironmentVariable(EventLoopOptions.TraceVariable, previous);
            Directory.Delete(folder, recursive: true);
        }
    }
}
