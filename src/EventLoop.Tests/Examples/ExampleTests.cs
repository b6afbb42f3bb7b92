using System.Reflection;

namespace Asyncio.Tests.Examples;

[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>Each example under <c>examples/</c> prints exactly the transcript of its seed program.</summary>
/// <remarks>
/// The examples run in this process, on virtual time (<see cref="EventLoopOptions.VirtualTimeVariable"/>),
/// with the console captured: so no test sleeps, and the bytes compared are the bytes printed.
/// </remarks>
[Collection(nameof(ConsoleCollection))]
public class ExampleTests
{
    public static TheoryData<string, string> Examples() => new()
    {
        { "01_ensure_future_nowait", "ExampleEnsureFutureNowait" },
        { "02_call_soon_later_at", "ExampleCallSoonLaterAt" },
        { "03_await_plain_function_future", "ExampleAwaitPlainFunctionFuture" },
        { "04_callback_from_plain_function", "ExampleCallbackFromPlainFunction" },
        { "05_wait_first_and_all", "ExampleWaitFirstAndAll" },
        { "06_other_functions", "ExampleOtherFunctions" },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_PrintsTheSeedTranscript(string name, string assemblyName)
    {
        string expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Examples", "expected", name + ".expected"));
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

        Assert.Equal(expected, captured.ToString());
    }

    /// <summary>The frame loop that pumps the event loop with <see cref="EventLoop.RunOnce(TimeSpan)"/> prints its own transcript, frame by frame.</summary>
    [Fact]
    public void GameLoop_PrintsItsTranscript() => Example_PrintsTheSeedTranscript("GameLoop", "ExampleGameLoop");

    /// <summary>Examples that tell a seed program again another way, and must still print its transcript: (example, assembly, seed).</summary>
    public static TheoryData<string, string, string> Retellings() => new()
    {
        { "Coroutines", "ExampleCoroutines", "06_other_functions" },
    };

    [Theory]
    [MemberData(nameof(Retellings))]
    public void Retelling_PrintsItsSeedsTranscript(string name, string assemblyName, string seed)
    {
        Assert.True(Directory.Exists(Path.Combine(FindRepositoryRoot(), "examples", name)), name);
        Example_PrintsTheSeedTranscript(seed, assemblyName);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EventLoop.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("EventLoop.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The copies in the tests must stay identical to the seed files in <c>../shared</c>, where that folder is present.</summary>
    [Fact]
    public void ExpectedCopies_MatchTheSeedFiles()
    {
        var seeds = FindSeedDirectory();
        if (seeds is null)
            return; // a clone without ../shared beside it: nothing to compare against
        foreach (var (name, _) in Examples().Select(row => ((string)row[0], (string)row[1])))
        {
            string copy = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Examples", "expected", name + ".expected"));
            Assert.Equal(File.ReadAllText(Path.Combine(seeds, name + ".expected")), copy);
        }
    }

    private static string? FindSeedDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "seed-examples");
            if (Directory.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
