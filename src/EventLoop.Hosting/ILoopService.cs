namespace Asyncio.Hosting;

/// <summary>Work that runs as a task on the hosted loop for the host's lifetime (register it with <see cref="EventLoopServiceCollectionExtensions.AddLoopService{TService}"/>).</summary>
/// <remarks>
/// <para>asyncio: no twin; the coroutine a program gives <c>asyncio.run()</c> or
/// <c>create_task()</c> at startup. The loop counterpart of .NET's <c>BackgroundService.ExecuteAsync</c>.</para>
/// </remarks>
public interface ILoopService
{
    /// <summary>Runs on the hosted loop, as a <see cref="LoopTask"/>, from the host's start until it returns or the host stops.</summary>
    /// <param name="loop">The hosted loop; the method runs on its thread, so every loop API may be used.</param>
    /// <param name="stoppingToken">Fires, on the loop's thread, when the host begins to stop.</param>
    /// <remarks>
    /// <para>asyncio: no twin.</para>
    /// <para>Started in the loop's first iteration, in registration order. When the host stops,
    /// <paramref name="stoppingToken"/> fires and the host waits for the method to return;
    /// whatever is still pending afterwards is cancelled (<see cref="CancelledError"/> at its
    /// await), all within the host's shutdown timeout. An exception that escapes is logged and,
    /// with <see cref="EventLoopHostOptions.StopHostWhenServiceFails"/>, stops the host, as a
    /// failing <c>BackgroundService</c> does.</para>
    /// </remarks>
    Task RunAsync(EventLoop loop, CancellationToken stoppingToken);
}
