namespace Asyncio.Hosting;

/// <summary>How <see cref="EventLoopServiceCollectionExtensions.AddEventLoop"/> makes and runs the hosted loop.</summary>
/// <remarks>asyncio: no twin.</remarks>
public sealed class EventLoopHostOptions
{
    /// <summary>The loop's options (virtual time, debug mode, eager tasks, the selector); <see langword="null"/> for <see cref="EventLoopOptions.FromEnvironment"/>.</summary>
    /// <remarks>asyncio: <c>new_event_loop()</c> and <c>set_debug()</c>. Deadlock detection is always off: other threads may submit work at any time, so an idle hosted loop waits for them.</remarks>
    public EventLoopOptions? LoopOptions { get; set; }

    /// <summary>The name of the loop's thread, as debuggers and dumps show it. Default <c>EventLoop</c>.</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public string ThreadName { get; set; } = "EventLoop";

    /// <summary>Whether the loop's exception handler logs to the host's <c>ILoggerFactory</c> (category <c>Asyncio.EventLoop</c>). Default <see langword="true"/>.</summary>
    /// <remarks>asyncio: the <c>asyncio</c> logger; see <c>Asyncio.Logging.EventLoopLoggingExtensions.UseLogger</c>.</remarks>
    public bool UseLogger { get; set; } = true;

    /// <summary>Whether the loop publishes <see cref="LoopMetrics"/> on a meter made by the host's <c>IMeterFactory</c> (or a meter of its own). Default <see langword="true"/>.</summary>
    /// <remarks>asyncio: no twin. Takes the loop's <see cref="EventLoop.Observer"/>.</remarks>
    public bool Metrics { get; set; } = true;

    /// <summary>Whether a loop service that fails stops the host, as a failing <c>BackgroundService</c> does by default. Default <see langword="true"/>.</summary>
    /// <remarks>asyncio: no twin; .NET's <c>BackgroundServiceExceptionBehavior.StopHost</c>.</remarks>
    public bool StopHostWhenServiceFails { get; set; } = true;
}
