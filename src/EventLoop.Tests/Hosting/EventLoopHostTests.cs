using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Asyncio.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Asyncio.Tests.Hosting;

/// <summary>EventLoop.Hosting: a loop on its own thread for a Generic Host's lifetime.</summary>
/// <remarks>Tests about threads: real time, and every wait bounded, so that a regression fails instead of hanging.</remarks>
public class EventLoopHostTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static (IHost Host, LogCollector Logs) BuildHost(Action<IServiceCollection> configure, TimeSpan? shutdownTimeout = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var logs = new LogCollector();
        builder.Logging.AddProvider(logs);
        builder.Services.AddEventLoop(options => options.LoopOptions = new EventLoopOptions { VirtualTime = false });
        if (shutdownTimeout is { } timeout)
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = timeout);
        configure(builder.Services);
        return (builder.Build(), logs);
    }

    [Fact]
    public async Task Host_WorkFromAControllerThread_RunsOnTheLoopAndNothingIsLeftAfterStop()
    {
        var (host, logs) = BuildHost(services => services.AddLoopService<WaitsForStop>());
        using var _ = host;
        var loopHost = host.Services.GetRequiredService<IEventLoopHost>();
        var loop = host.Services.GetRequiredService<EventLoop>();
        var service = host.Services.GetRequiredService<WaitsForStop>();
        Assert.Same(loopHost.Loop, loop);

        using (var start = new CancellationTokenSource(Bound))
            await host.StartAsync(start.Token);

        // A controller on a thread of its own hands the loop work and blocks for the answer.
        LoopTask? leftover = null;
        string? answer = null;
        var controller = new Thread(() =>
        {
            var work = loop.RunCoroutineThreadsafe(async () =>
            {
                Assert.Same(loop, EventLoop.GetRunningLoop());
                leftover = loop.CreateTask(async () => await loop.Sleep(3600), "leftover");
                await loop.Sleep(0.01);
                return $"{loop.CurrentTask!.Name} ran on the loop thread: {Environment.CurrentManagedThreadId == service.LoopThread!.ManagedThreadId}";
            });
            try
            {
                if (work.Wait(Bound))
                    answer = work.Result;
            }
            catch (AggregateException e)
            {
                answer = e.InnerException!.ToString();
            }
        });
        controller.Start();
        Assert.True(controller.Join(Bound));
        Assert.EndsWith(" ran on the loop thread: True", answer);
        Assert.Equal(42, await loopHost.RunAsync(async l => { await l.Sleep(0); return 42; }).WaitAsync(Bound));

        using (var stop = new CancellationTokenSource(Bound))
            await host.StopAsync(stop.Token);

        Assert.Equal(["started", "stopping token fired on the loop thread", "service returned"], service.Log);
        Assert.True(leftover!.Cancelled);
        Assert.True(loop.IsClosed);
        Assert.True(loopHost.Completion.IsCompletedSuccessfully);
        Assert.True(service.LoopThread!.Join(Bound), "the loop thread ended");
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Stop_TaskIgnoresItsCancellation_GivesUpAtTheShutdownTimeoutAndReportsIt()
    {
        var (host, logs) = BuildHost(_ => { }, shutdownTimeout: TimeSpan.FromMilliseconds(300));
        using var _ = host;
        var loopHost = host.Services.GetRequiredService<IEventLoopHost>();
        await host.StartAsync().WaitAsync(Bound);
        await loopHost.RunAsync(loop =>
        {
            loop.CreateTask(async () =>
            {
                try { await loop.Sleep(3600); }
                catch (CancelledError) { await loop.CreateFuture<int>(); } // swallows it and waits on
            }, "stubborn");
            return Task.CompletedTask;
        }).WaitAsync(Bound);

        await host.StopAsync().WaitAsync(Bound); // the host's ShutdownTimeout bounds StopAsync's token

        Assert.True(loopHost.Loop.IsClosed);
        Assert.True(loopHost.Completion.IsCompletedSuccessfully);
        var report = Assert.Single(logs.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal("Asyncio.EventLoop", report.Category);
        Assert.StartsWith("Task was destroyed but it is pending!", report.Message);
        Assert.Contains("stubborn", report.Message);
    }

    [Fact]
    public async Task LoopService_Fails_IsLoggedAndStopsTheHost()
    {
        var (host, logs) = BuildHost(services => services.AddLoopService<Fails>());
        using var _ = host;
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource();
        lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());

        await host.StartAsync().WaitAsync(Bound);
        await stopping.Task.WaitAsync(Bound);
        await host.StopAsync().WaitAsync(Bound);

        var entry = Assert.Single(logs.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal((LogLevel.Error, "Asyncio.Hosting.EventLoopHost", "Loop service Fails failed."), (entry.Level, entry.Category, entry.Message));
        Assert.Equal("service broke", entry.Exception!.Message);
    }

    [Fact]
    public async Task CallbackError_GoesToTheLogger()
    {
        var (host, logs) = BuildHost(_ => { });
        using var _ = host;
        var loop = host.Services.GetRequiredService<EventLoop>();
        await host.StartAsync().WaitAsync(Bound);
        var ran = new TaskCompletionSource();
        loop.CallSoonThreadsafe(() => throw new FormatException("callback broke"));
        loop.CallSoonThreadsafe(() => ran.SetResult());
        await ran.Task.WaitAsync(Bound);
        await host.StopAsync().WaitAsync(Bound);

        var entry = Assert.Single(logs.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal((LogLevel.Error, "Asyncio.EventLoop"), (entry.Level, entry.Category));
        Assert.Equal("callback broke", entry.Exception!.Message);
    }

    [Fact]
    public async Task Metrics_AreRecordedOnTheHostsMeterFactory()
    {
        var (host, _) = BuildHost(_ => { });
        using var __ = host;
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        long callbacks = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name == "eventloop.callbacks")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref callbacks, value));
        listener.Start();

        await host.StartAsync().WaitAsync(Bound);
        await host.Services.GetRequiredService<IEventLoopHost>().RunAsync(async loop => await loop.Sleep(0)).WaitAsync(Bound);
        await host.StopAsync().WaitAsync(Bound);

        Assert.True(Interlocked.Read(ref callbacks) >= 2, $"callbacks recorded: {callbacks}");
    }

    [Fact]
    public void Dispose_NeverStarted_ClosesTheLoop()
    {
        var (host, _) = BuildHost(services => services.AddEventLoop()); // a second AddEventLoop adds nothing
        Assert.Single(host.Services.GetServices<IHostedService>());
        var loopHost = host.Services.GetRequiredService<IEventLoopHost>();

        host.Dispose();

        Assert.True(loopHost.Loop.IsClosed);
        Assert.True(loopHost.Completion.IsCompletedSuccessfully);
    }

    /// <summary>Runs until the host stops, recording what it sees.</summary>
    private sealed class WaitsForStop : ILoopService
    {
        public List<string> Log { get; } = [];

        public Thread? LoopThread { get; private set; }

        public async Task RunAsync(EventLoop loop, CancellationToken stoppingToken)
        {
            LoopThread = Thread.CurrentThread;
            Log.Add("started");
            var stopped = loop.CreateFuture<bool>();
            using var registration = stoppingToken.Register(() =>
            {
                Log.Add(Thread.CurrentThread == LoopThread ? "stopping token fired on the loop thread" : "stopping token fired elsewhere");
                stopped.SetResult(true);
            });
            await stopped;
            Log.Add("service returned");
        }
    }

    private sealed class Fails : ILoopService
    {
        public async Task RunAsync(EventLoop loop, CancellationToken stoppingToken)
        {
            await loop.Sleep(0);
            throw new FormatException("service broke");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoopOptions_UseSelector_ReachesTheHostedLoop(bool useSelector)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddEventLoop(options => options.LoopOptions = new EventLoopOptions { VirtualTime = false, UseSelector = useSelector });
        using var host = builder.Build();
        var loop = host.Services.GetRequiredService<EventLoop>();
        Assert.Equal(useSelector && OperatingSystem.IsLinux(), loop.Selector is not null);
    }

    private sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class LogCollector : ILoggerProvider
    {
        public ConcurrentQueue<LogEntry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LogCollector owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
