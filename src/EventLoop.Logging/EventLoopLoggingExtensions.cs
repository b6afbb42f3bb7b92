using Microsoft.Extensions.Logging;

namespace Asyncio.Logging;

/// <summary>Routes a loop's exception handler, and so its debug reports, to <c>Microsoft.Extensions.Logging</c>.</summary>
/// <remarks>
/// <para>asyncio: the <c>asyncio</c> logger (<c>logging.getLogger("asyncio")</c>), which the
/// default exception handler and debug mode write to.</para>
/// <para>An exception-handler context with an exception (an error in a callback, a task
/// exception never retrieved) is logged at <see cref="LogLevel.Error"/> with that exception; one
/// without (debug mode's "Executing &lt;Handle ...&gt; took 0.150 seconds", "Task was destroyed
/// but it is pending!") at <see cref="LogLevel.Warning"/>, as asyncio logs slow callbacks. The
/// message is asyncio's report without the exception text (the logger renders the exception
/// itself); the state also carries <c>Message</c>, <c>Task</c>, <c>Future</c>, <c>Handle</c> and
/// <c>SourceTraceback</c> as structured values.</para>
/// </remarks>
public static class EventLoopLoggingExtensions
{
    /// <summary>The category of the logger made by <see cref="UseLogger(EventLoop, ILoggerFactory)"/>: asyncio's logger name.</summary>
    /// <remarks>asyncio: <c>logging.getLogger("asyncio")</c>.</remarks>
    public const string Category = "Asyncio.EventLoop";

    /// <summary>The event id of reports that carry an exception.</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public static readonly EventId ErrorEvent = new(1, "LoopError");

    /// <summary>The event id of reports without an exception (slow callbacks, tasks destroyed pending).</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public static readonly EventId ReportEvent = new(2, "LoopReport");

    /// <summary>Sets <paramref name="loop"/>'s exception handler to one that logs to <paramref name="logger"/>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>loop.set_exception_handler(...)</c> with a handler that calls <c>logger.error(...)</c>.</para>
    /// <para>Replaces the handler set before; <see cref="EventLoop.SetExceptionHandler"/> with
    /// <see langword="null"/> restores the default. A logger that throws is reported through
    /// the default handler, and the loop goes on.</para>
    /// </remarks>
    public static EventLoop UseLogger(this EventLoop loop, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(logger);
        loop.SetExceptionHandler((_, context) => Log(logger, context));
        return loop;
    }

    /// <summary>Sets <paramref name="loop"/>'s exception handler to log to a logger of category <see cref="Category"/>.</summary>
    /// <remarks>asyncio: <c>logging.getLogger("asyncio")</c>.</remarks>
    public static EventLoop UseLogger(this EventLoop loop, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        return loop.UseLogger(loggerFactory.CreateLogger(Category));
    }

    /// <summary>Logs one exception-handler report to <paramref name="logger"/>, as <see cref="UseLogger(EventLoop, ILogger)"/> does.</summary>
    /// <remarks>asyncio: the body of <c>BaseEventLoop.default_exception_handler</c>, logging instead of printing.</remarks>
    public static void Log(ILogger logger, ExceptionContext context)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(context);
        var level = context.Exception is null ? LogLevel.Warning : LogLevel.Error;
        if (!logger.IsEnabled(level))
            return;
        logger.Log(level, context.Exception is null ? ReportEvent : ErrorEvent, new LoopReport(context), context.Exception, static (report, _) => report.ToString());
    }
}
