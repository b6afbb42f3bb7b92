using Asyncio.Fuzz;

namespace Asyncio.Tests.Reliability;

/// <summary>
/// Runs the fuzz harness (tools/EventLoop.Fuzz) briefly, in process, with fixed seeds. The longer
/// run is a command: <c>dotnet run --project tools/EventLoop.Fuzz -c Release -- --seconds 600 --seed 42</c>.
/// </summary>
public class FuzzHarnessTests
{
    /// <summary>Programs per CI run (each run twice): README, Reliability.</summary>
    public const int Programs = 400;

    [Fact]
    public void Fuzz_FixedSeeds_DeterministicAndInvariantsHold()
    {
        var output = new StringWriter();
        var result = Fuzzer.Run(Programs, seconds: 0, seed: 8, output);
        Assert.True(result.Failures == 0, output.ToString());
        Assert.Equal(Programs, result.Programs);
        Assert.True(result.TranscriptLines > Programs * 10, result.ToString());
    }

    [Fact]
    public void Fuzz_EntryPoint_ParsesTheCommandLine_AndReturnsZero()
    {
        var previous = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
            Assert.Equal(0, Program.Main(["--iterations", "20", "--seed", "3"]));
        }
        finally
        {
            Console.SetOut(previous);
        }
        Assert.StartsWith("20 programs, 0 failures", captured.ToString());
    }
}
