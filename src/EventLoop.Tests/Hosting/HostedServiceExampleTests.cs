using System.Reflection;
using Asyncio.Tests.Examples;

namespace Asyncio.Tests.Hosting;

/// <summary>examples/HostedService prints its transcript on real time and on virtual time, and ends by itself.</summary>
[Collection(nameof(ConsoleCollection))]
public class HostedServiceExampleTests
{
    private const string Expected =
        "ticker: tick 1\n" +
        "ticker: tick 2\n" +
        "ticker: tick 3\n" +
        "ticker: done, stopping the host\n" +
        "listener: cancelled by the host's shutdown\n" +
        "main: the loop answered 42\n" +
        "main: host stopped, loop closed: True\n";

    [Theory]
    [InlineData(null)]
    [InlineData("1")]
    public void HostedService_PrintsItsTranscript(string? virtualTime)
    {
        var entryPoint = Assembly.Load("ExampleHostedService").EntryPoint!;
        var captured = new StringWriter { NewLine = "\n" };
        var previousOut = Console.Out;
        string? previousVariable = Environment.GetEnvironmentVariable(EventLoopOptions.VirtualTimeVariable);
        Environment.SetEnvironmentVariable(EventLoopOptions.VirtualTimeVariable, virtualTime);
        Console.SetOut(captured);
        try
        {
            // On a thread of its own, so that a hang fails the test instead of blocking it.
            var run = new Thread(() => entryPoint.Invoke(null, [Array.Empty<string>()]));
            run.Start();
            Assert.True(run.Join(TimeSpan.FromSeconds(20)), "the example did not end");
        }
        finally
        {
            Console.SetOut(previousOut);
            Environment.SetEnvironmentVariable(EventLoopOptions.VirtualTimeVariable, previousVariable);
        }

        Assert.Equal(Expected, captured.ToString());
    }
}
