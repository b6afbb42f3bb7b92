using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Asyncio.Benchmarks;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release --project src/EventLoop.Benchmarks -- --filter '*'</c>.</summary>
public static class Program
{
    // Issue 6's targets are ratios of medians, and on a VM a run's iterations are often bimodal,
    // so every report has the Median column (BenchmarkDotNet shows it only when it judges the
    // distribution skewed); benchmarks/floor-table.py builds the README's table from it.
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
            .Run(args, DefaultConfig.Instance.AddColumn(StatisticColumn.Median));
}
