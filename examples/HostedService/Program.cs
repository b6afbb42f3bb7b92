// An event loop inside the .NET Generic Host: the loop runs on its own thread for the host's
// lifetime, a loop service does its work there, the program's main thread hands the loop work
// as a controller would, and the host's stop cancels what is left and closes the loop.
// Output (the same on real and on virtual time):
//   ticker: tick 1
//   ticker: tick 2
//   ticker: tick 3
//   ticker: done, stopping the host
//   listener: cancelled by the host's shutdown
//   main: the loop answered 42
//   main: host stopped, loop closed: True

using Asyncio;
using Asyncio.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders(); // the transcript is the program's own lines
builder.Services.AddEventLoop();
builder.Services.AddLoopService<Ticker>();
using var host = builder.Build();
await host.StartAsync();

// From the main thread, as a web request handler would: the coroutine runs on the loop's thread,
// and its result comes back as a .NET Task.
var loopHost = host.Services.GetRequiredService<IEventLoopHost>();
int answer = await loopHost.RunAsync(async loop =>
{
    await loop.Sleep(0.05);
    return 6 * 7;
});

await host.WaitForShutdownAsync(); // the ticker stops the host when its work is done
Console.WriteLine($"main: the loop answered {answer}");
Console.WriteLine($"main: host stopped, loop closed: {loopHost.Loop.IsClosed}");

/// <summary>A loop service: ticks three times, leaves a listener task behind, then stops the host.</summary>
internal sealed class Ticker(IHostApplicationLifetime lifetime) : ILoopService
{
    public async Task RunAsync(EventLoop loop, CancellationToken stoppingToken)
    {
        _ = loop.CreateTask(() => ListenAsync(loop), "listener");
        for (int i = 1; i <= 3; i++)
        {
            await loop.Sleep(0.1);
            Console.WriteLine($"ticker: tick {i}");
        }
        Console.WriteLine("ticker: done, stopping the host");
        lifetime.StopApplication();
    }

    // Waits for a message that never comes: the host's stop cancels it.
    private static async Task ListenAsync(EventLoop loop)
    {
        try
        {
            await loop.CreateFuture<string>();
        }
        catch (CancelledError)
        {
            Console.WriteLine("listener: cancelled by the host's shutdown");
            throw;
        }
    }
}
