using Asyncio.Differential;
using Xunit.Abstractions;

namespace Asyncio.Tests.Differential;

/// <summary>
/// Thousands of generated asyncio programs (tools/differential/gen.py), each
/// with the transcript CPython 3.12 printed for it (scripts/record-differential.sh), replayed
/// here through EventLoop's public API with no Python needed. Every transcript must be CPython's.
/// </summary>
/// <remarks>
/// corpus/known-divergences.txt lists the programs that diverge today because of a known bug,
/// with its cause: they are printed, not failed on, and a listed program that now matches is
/// printed too, so that its line can be deleted.
/// </remarks>
public sealed class DifferentialCorpusTests(ITestOutputHelper output)
{
    private static string CorpusFile(string name) => Path.Combine(AppContext.BaseDirectory, "Differential", "corpus", name);

    [Fact]
    public void Corpus_EveryProgram_PrintsCPythonsTranscript()
    {
        var (programs, divergences) = Corpus.Check(File.ReadLines(CorpusFile("corpus.jsonl")));
        var known = Corpus.ReadKnown(File.ReadLines(CorpusFile("known-divergences.txt")));

        var unknown = divergences.Where(d => !known.ContainsKey(d.Seed)).ToList();
        var nowMatching = known.Keys.Except(divergences.Select(d => d.Seed)).Order().ToList();
        foreach (var group in divergences.Where(d => known.ContainsKey(d.Seed)).GroupBy(d => known[d.Seed]))
            output.WriteLine($"known, {group.Count()} programs ({group.Key}): seeds {string.Join(" ", group.Select(d => d.Seed))}");
        if (nowMatching.Count > 0)
            output.WriteLine($"now matching CPython, delete from known-divergences.txt: {string.Join(" ", nowMatching)}");
        foreach (var d in unknown)
            output.WriteLine("NEW " + d.Description);
        output.WriteLine($"differential: {programs} programs, {divergences.Count} divergences ({divergences.Count - unknown.Count} known, {unknown.Count} new)");

        Assert.True(programs >= 3000, $"the corpus holds {programs} programs");
        Assert.True(unknown.Count == 0,
            $"{unknown.Count} programs diverge from CPython:\n" + string.Join("\n", unknown.Take(20).Select(d => d.Description)));
    }

    /// <summary>Shrunk programs a hunt found diverging, kept with CPython 3.12's transcript once fixed (hunt-finds.jsonl).</summary>
    [Fact]
    public void HuntFinds_EveryProgram_PrintsCPythonsTranscript()
    {
        var (programs, divergences) = Corpus.Check(File.ReadLines(CorpusFile("hunt-finds.jsonl")));
        Assert.True(programs > 0);
        Assert.True(divergences.Count == 0, string.Join("\n", divergences.Select(d => d.ToString())));
    }

    [Fact]
    public void Runner_ValueError_PrintsUnderPythonsNames()
    {
        // The transcript names .NET's exceptions as asyncio's, so a wrong mapping would hide
        // or invent divergences.
        Assert.Equal("TimeoutError:x", DifferentialRunner.ExceptionText(new TimeoutException("x")));
        Assert.Equal("RuntimeError:y", DifferentialRunner.ExceptionText(new InvalidOperationException("y")));
        Assert.Equal("CancelledError:m1", DifferentialRunner.ExceptionText(new CancelledError("m1")));
        Assert.Equal("ExceptionGroup[ValueError:a, CancelledError:]",
            DifferentialRunner.ExceptionText(new AggregateException(new ValueError("a"), new CancelledError())));
        Assert.Equal("[1, None, True]", DifferentialRunner.ValueText(new object?[] { 1L, null, true }));
    }

    [Fact]
    public void Runner_SmallProgram_PrintsItsTranscript()
    {
        // Recorded from CPython 3.12 (tools/differential/run_py.py).
        const string program = """{"seed":0,"futures":1,"bodies":[[["spawn",1],["fawait","f0"],["sleep",0.25],["return",7]],[["sleep",0.5],["fset","f0",3]]]}""";
        Assert.Equal(
            [
                "0.000 t0 spawn t1",
                "0.500 t1 slept 0.5",
                "0.500 t1 fset f0 = None",
                "0.500 t1 end = None",
                "0.500 t0 fawait f0 = 3",
                "0.750 t0 slept 0.25",
                "0.750 t0 end = 7",
                "final t0 = 7",
                "final t1 = None",
                "final f0 = 3",
            ],
            DifferentialRunner.Run(program));
    }
}
