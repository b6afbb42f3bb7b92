using Asyncio.Logging;
using Microsoft.Extensions.Logging;

namespace Asyncio.Tests.Diagnostics;

public class LoggingTests
{
    private sealed record Entry(LogLevel Level, EventId Id, string Message, Exception? Exception, IReadOnlyList<KeyValuePair<string, object?>> State);

    /// <summary>An in-test ILogger that keeps what it is given.</summary>
    private sealed class ListLogger : ILogger
    {
        public List<Entry> Entries { get; } = [];
        public LogLevel Minimum { get; init; } = LogLevel.Trace;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add(new Entry(logLevel, eventId, formatter(state, exception), exception, (IReadOnlyList<KeyValuePair<string, object?>>)state!));

    }

    private sealed class ListLoggerFactory : ILoggerFactory
    {
        public List<string> Categories { get; } = [];

        public ILogger CreateLogger(string categoryName)
        {
            Categories.Add(categoryName);
            return new ListLogger();
        }

        public void AddProvider(ILoggerProvider provider) { }
        public void Dispose() { }
    }

    private static EventLoop NewLoop() => new(new EventLoopOptions { VirtualTime = true });

    [Fact]
    public void UseLogger_CallbackError_LoggedAsErrorWithTheException()
    {
        using var loop = NewLoop();
        var logger = new ListLogger();
        loop.UseLogger(logger);
        var boom = new InvalidOperationException("boom");
        loop.CallSoon(() => throw boom);
        loop.CallSoon(loop.Stop);

        loop.RunForever();

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal(EventLoopLoggingExtensions.ErrorEvent, entry.Id);
        Assert.Same(boom, entry.Exception);
        Assert.StartsWith("Exception in callback ", entry.Message);
        Assert.Contains("handle: <Handle ", entry.Message);
        Assert.DoesNotContain("boom", entry.Message); // the logger renders the exception itself
        var state = entry.State.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("{Message}", state["{OriginalFormat}"]);
        Assert.StartsWith("<Handle ", (string)state["Handle"]!);
        Assert.Null(state["Task"]);
    }

    [Fact]
    public void UseLogger_TaskExceptionNeverRetrieved_LoggedWithTheTask()
    {
        var loop = NewLoop();
        var logger = new ListLogger();
        loop.UseLogger(logger);
        loop.CreateTask(async () => { await loop.Sleep(0); throw new ArgumentException("bad"); }, "doomed");
        loop.RunUntilComplete(async () => await loop.Sleep(1));

        loop.Close();

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal("Task exception was never retrieved", entry.Message.Split(Environment.NewLine)[0]);
        Assert.IsType<ArgumentException>(entry.Exception);
        // asyncio puts the task under 'future' for this report.
        Assert.Contains("name='doomed'", (string)entry.State.Single(p => p.Key == "Future").Value!);
        Assert.Contains("future: <LoopTask finished name='doomed'", entry.Message);
    }

    [Fact]
    public void UseLogger_SlowCallbackInDebugMode_LoggedAsWarning()
    {
        using var loop = new EventLoop(new EventLoopOptions { VirtualTime = true, Debug = true }) { SlowCallbackDuration = 0 };
        var logger = new ListLogger();
        loop.UseLogger(logger);
        loop.CallSoon(() => { });
        loop.CallSoon(loop.Stop);

        loop.RunForever();

        Assert.Equal(2, logger.Entries.Count);
        Assert.All(logger.Entries, e =>
        {
            Assert.Equal(LogLevel.Warning, e.Level);
            Assert.Equal(EventLoopLoggingExtensions.ReportEvent, e.Id);
            Assert.Null(e.Exception);
            Assert.Matches(@"^Executing <Handle .*> took \d+\.\d{3} seconds", e.Message);
        });
    }

    [Fact]
    public void UseLogger_Factory_UsesTheAsyncioCategory()
    {
        using var loop = NewLoop();
        var factory = new ListLoggerFactory();
        loop.UseLogger(factory);
        Assert.Equal(["Asyncio.EventLoop"], factory.Categories);
    }

    [Fact]
    public void UseLogger_LevelDisabled_LogsNothing()
    {
        using var loop = NewLoop();
        var logger = new ListLogger { Minimum = LogLevel.Critical };
        loop.UseLogger(logger);
        loop.CallSoon(() => throw new InvalidOperationException());
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Assert.Empty(logger.Entries);
    }

    [Fact]
    public void UseLogger_NullArguments_Throw()
    {
        using var loop = NewLoop();
        Assert.Throws<ArgumentNullException>(() => loop.UseLogger((ILogger)null!));
        Assert.Throws<ArgumentNullException>(() => ((EventLoop)null!).UseLogger(new ListLogger()));
    }
}
