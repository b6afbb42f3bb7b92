using System.Text.Json;

namespace Asyncio.Differential;

/// <summary>One program whose transcript here is not CPython's.</summary>
public sealed record Divergence(long Seed, string Description);

/// <summary>
/// The recorded corpus (one JSON line each, <c>{"program": {...}, "expected": [lines]}</c>) and
/// its list of known divergences (lines <c>seed cause</c>; <c>#</c> starts a comment).
/// </summary>
public static class Corpus
{
    /// <summary>Runs every entry and compares with its recorded transcript.</summary>
    public static (int Programs, List<Divergence> Divergences) Check(IEnumerable<string> lines)
    {
        int programs = 0;
        var divergences = new List<Divergence>();
        foreach (var line in lines)
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            programs++;
            using var entry = JsonDocument.Parse(line);
            var program = entry.RootElement.GetProperty("program");
            var expected = entry.RootElement.GetProperty("expected").EnumerateArray().Select(e => e.GetString()!).ToList();
            var actual = DifferentialRunner.Run(program.GetRawText());
            if (!actual.SequenceEqual(expected))
                divergences.Add(new Divergence(program.GetProperty("seed").GetInt64(), Describe(program, expected, actual)));
        }
        return (programs, divergences);
    }

    /// <summary>The known divergences: seed → cause.</summary>
    public static Dictionary<long, string> ReadKnown(IEnumerable<string> lines)
    {
        var known = new Dictionary<long, string>();
        foreach (var raw in lines)
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            int space = line.IndexOf(' ');
            known[long.Parse(space < 0 ? line : line[..space], System.Globalization.CultureInfo.InvariantCulture)] =
                space < 0 ? "" : line[(space + 1)..];
        }
        return known;
    }

    /// <summary>The seed, the first differing line of the two transcripts, and the program.</summary>
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
