using System.Reflection;
using System.Text.RegularExpressions;

namespace Asyncio.Tests.Examples;

/// <summary><c>examples/LoopPerCore</c>: several loops, each on its own thread, serving one port with <c>reusePort</c>, run in this process over loopback.</summary>
/// <remarks>
/// Which loop the kernel hands a connection to is its choice, so the counts per loop are not
/// asserted, only that every loop reported after a clean stop and that together they served every
/// client, each echoed exactly.
/// </remarks>
[Collection(nameof(ConsoleCollection))]
public partial class LoopPerCoreExampleTests
{
    [GeneratedRegex(@"^(\d+) loops serving echo on 127\.0\.0\.1:(\d+)$")]
    private static partial Regex Serving();

    [GeneratedRegex(@"^loop (\d+): (\d+) connections$")]
    private static partial Regex Served();

    private static string[] RunExample(params string[] args)
    {
        var entryPoint = Assembly.Load("ExampleLoopPerCore").EntryPoint!;
        var captured = new StringWriter { NewLine = "\n" };
        var previousOut = Console.Out;
        Console.SetOut(captured);
        Exception? failure = null;
        var run = new Thread(() =>
        {
            try
            {
                entryPoint.Invoke(null, [args]);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true };
        run.Start();
        try
        {
            // A bound on real time, so that a loop that never stops fails the test instead of hanging the run.
            Assert.True(run.Join(TimeSpan.FromSeconds(30)), "LoopPerCore did not finish within 30 s");
        }
        finally
        {
            Console.SetOut(previousOut);
        }
        Assert.Null(failure);
        return captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void LoopPerCore_ThreeLoopsAndEightClients_EveryClientEchoedAndEveryLoopStopsAndReports()
    {
        var lines = RunExample("--loops", "3", "--port", "0", "--clients", "8");

        Assert.Equal(5, lines.Length);
        var serving = Serving().Match(lines[0]);
        Assert.True(serving.Success, lines[0]);
        Assert.Equal("3", serving.Groups[1].Value);
        Assert.NotEqual("0", serving.Groups[2].Value); // the free port the first loop picked, shared by the others
        Assert.Equal("8/8 clients echoed", lines[1]);
        var counts = lines[2..].Select(line => Served().Match(line)).ToArray();
        Assert.All(counts, match => Assert.True(match.Success));
        Assert.Equal(["0", "1", "2"], counts.Select(match => match.Groups[1].Value));
        Assert.Equal(8, counts.Sum(match => int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void LoopPerCore_StoppedAtOnce_EveryLoopStopsCleanlyHavingServedNothing()
    {
        var lines = RunExample("--loops", "2", "--port", "0", "--seconds", "0");

        Assert.Equal(3, lines.Length);
        Assert.Matches(Serving(), lines[0]);
        Assert.Equal(["loop 0: 0 connections", "loop 1: 0 connections"], lines[1..]);
    }
}
