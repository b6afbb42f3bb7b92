using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Asyncio.Benchmarks;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release --project src/EventLoop.Benchmarks -- --filter '*'</c>.</summary>
/// <remarks>
/// <c>--gc-nonconcurrent</c> (ours, not BenchmarkDotNet's) runs a MediumRun job with the
/// non-concurrent workstation collector, for docs/performance.md's comparison of the GC's modes.
/// Setting <c>DOTNET_gcConcurrent=0</c> with <c>--envVars</c> does not do it: the benchmark
/// process's generated runtimeconfig names the collector's mode, and that wins.
/// </remarks>
public static class Program
{
    private const string NonConcurrentGcFlag = "--gc-nonconcurrent";

    // The targets are ratios of medians, and on a VM a run's iterations are often bimodal,
    // so every report has the Median column (BenchmarkDotNet shows it only when it judges the
    // distribution skewed); benchmarks/floor-table.py builds the README's table from it.
    public static void Main(string[] args)
    {
        IConfig config = DefaultConfig.Instance.AddColumn(StatisticColumn.Median);
        if (args.Contains(NonConcurrentGcFlag))
        {
            args = args.Where(a => a != NonConcurrentGcFlag).ToArray();
            config = config.AddJob(Job.MediumRun.WithGcConcurrent(false).WithId("MediumRun-NonConcurrentGC"));
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
