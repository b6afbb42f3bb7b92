using System.Text.Json;

namespace Asyncio.Differential;

/// <summary>The recorded corpus: one JSON line each, <c>{"program": {...}, "expected": [lines]}</c>.</summary>
public static class Corpus
{
    /// <summary>Runs every entry and compares with its recorded transcript; reports each divergence with its seed.</summary>
    public static (int Programs, int Divergent) Check(IEnumerable<string> lines, TextWriter report)
    {
        int programs = 0, divergent = 0;
        foreach (var line in lines)
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            programs++;
            using var entry = JsonDocument.Parse(line);
            var program = entry.RootElement.GetProperty("program");
            var expected = entry.RootElement.GetProperty("expected").EnumerateArray().Select(e => e.GetString()!).ToList();
            var actual = DifferentialRunner.Run(program.GetRawText());
            if (actual.SequenceEqual(expected))
                continue;
            divergent++;
            report.WriteLine(Describe(program, expected, actual));
        }
        return (programs, divergent);
    }

    /// <summary>The seed, the program and the first differing line of the two transcripts.</summary>
    public static string Describe(JsonElement program, IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        int i = 0;
        while (i < expected.Count && i < actual.Count && expected[i] == actual[i])
            i++;
        string Line(IReadOnlyList<string> lines) => i < lines.Count ? lines[i] : "(end)";
        string seed = program.TryGetProperty("seed", out var s) ? s.GetRawText() : "?";
        return $"seed {seed}: line {i + 1}\n  cpython: {Line(expected)}\n  here:    {Line(actual)}\n  program: {program.GetRawText()}";
    }
}
