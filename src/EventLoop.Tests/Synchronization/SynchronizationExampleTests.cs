using System.Reflection;
using Asyncio.Tests.Examples;

namespace Asyncio.Tests.Synchronization;

/// <summary>The synchronization primitives' examples print exactly their expected output, on virtual time, in this process.</summary>
[Collection(nameof(ConsoleCollection))]
public class SynchronizationExampleTests
{
    private const string PipelineExpected = """
0.0 queued page 1
0.0 queued page 2
0.0 f1 fetches page 1
0.0 f2 fetches page 2
0.0 queued page 3
0.0 queued page 4
0.0 queued page 5
0.2 f3 fetches page 3
0.2 wrote page 1 by f1
0.2 queued page 6
0.3 f1 fetches page 4
0.3 wrote page 2 by f2
0.3 wrote page 3 by f3
0.3 f2 fetches page 5
0.5 f3 fetches page 6
0.5 wrote page 4 by f1
0.6 wrote page 6 by f3
0.6 wrote page 5 by f2
0.6 all pages fetched
0.6 f1 stops
0.6 f3 stops
0.6 f2 stops

""";

    private const string ChannelsExpected = """
producer 0: 1000 items in order, sum 500500
producer 1: 1000 items in order, sum 500500
producer 2: 1000 items in order, sum 500500
queue never held more than its maxsize: True
shut down: True, empty: True

""";

    [Fact]
    public void Pipeline_PrintsItsTranscript() => Assert.Equal(PipelineExpected, Run("ExamplePipeline"));

    // Real threads feed the loop here: the example is about threads.
    [Fact]
    public void Channels_PrintsItsTranscript() => Assert.Equal(ChannelsExpected, Run("ExampleChannels"));

    private static string Run(string assemblyName)
    {
        var entryPoint = Assembly.Load(assemblyName).EntryPoint!;
        var captured = new StringWriter { NewLine = "\n" };
        var previousOut = Console.Out;
        string? previousVariable = Environment.GetEnvironmentVariable(EventLoopOptions.VirtualTimeVariable);
        Environment.SetEnvironmentVariable(EventLoopOptions.VirtualTimeVariable, "1");
        Console.SetOut(captured);
        try
        {
            entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(previousOut);
            Environment.SetEnvironmentVariable(EventLoopOptions.VirtualTimeVariable, previousVariable);
        }
        return captured.ToString();
    }
}
