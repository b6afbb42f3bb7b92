namespace Asyncio.Fuzz;

/// <summary>Command line: <c>dotnet run --project tools/EventLoop.Fuzz -c Release -- [--iterations N] [--seconds M] [--seed S]</c>.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        long iterations = 1000;
        double seconds = 0;
        ulong seed = 1;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--iterations": iterations = long.Parse(args[i + 1]); break;
                case "--seconds": seconds = double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); iterations = long.MaxValue; break;
                case "--seed": seed = ulong.Parse(args[i + 1]); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        var result = Fuzzer.Run(iterations, seconds, seed, Console.Out);
        Console.WriteLine(result);
        return result.Failures == 0 ? 0 : 1;
    }
}
