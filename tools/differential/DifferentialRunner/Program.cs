namespace Asyncio.Differential;

/// <summary>
/// Reads programs (one JSON document a line) from stdin or the file given, and prints each
/// transcript followed by a line "=====": the batch form that tools/differential/hunt.py drives.
/// With <c>--check FILE.jsonl</c>, compares each line's "expected" transcript instead and prints
/// "differential: N programs, D divergences" (exit code 1 on any divergence).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--check")
        {
            var (programs, divergent) = Corpus.Check(File.ReadLines(args[1]), Console.Out);
            Console.WriteLine($"differential: {programs} programs, {divergent} divergences");
            return divergent == 0 ? 0 : 1;
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
