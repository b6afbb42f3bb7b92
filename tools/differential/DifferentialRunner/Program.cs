namespace Asyncio.Differential;

/// <summary>
/// Reads programs (one JSON document a line) from stdin or the file given, and prints each
/// transcript followed by a line "=====": the batch form that tools/differential/hunt.py drives.
/// With <c>--check CORPUS.jsonl [--known KNOWN.txt]</c>, compares each entry's recorded transcript
/// instead and prints "differential: N programs, D divergences (K known, U new)"; exit code 1 when
/// a divergence is not in the known list.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "--check")
        {
            var (programs, divergences) = Corpus.Check(File.ReadLines(args[1]));
            var known = args.Length == 4 && args[2] == "--known" ? Corpus.ReadKnown(File.ReadLines(args[3])) : [];
            int unknown = 0;
            foreach (var d in divergences)
            {
                bool isKnown = known.TryGetValue(d.Seed, out var cause);
                unknown += isKnown ? 0 : 1;
                Console.WriteLine((isKnown ? "known (" + cause + "): " : "NEW: ") + d.Description);
            }
            Console.WriteLine($"differential: {programs} programs, {divergences.Count} divergences ({divergences.Count - unknown} known, {unknown} new)");
            return unknown == 0 ? 0 : 1;
        }
        using var input = args.Length == 1 ? new StreamReader(args[0]) : new StreamReader(Console.OpenStandardInput());
        var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
        while (input.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            foreach (var t in DifferentialRunner.Run(line))
                output.WriteLine(t);
            output.WriteLine("=====");
            output.Flush();
        }
        return 0;
    }
}
