using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Asyncio.Hosting;

/// <summary>Registers a hosted <see cref="EventLoop"/> and its loop services with a .NET host's services.</summary>
/// <remarks>asyncio: no twin.</remarks>
public static class EventLoopServiceCollectionExtensions
{
    /// <summary>Runs an <see cref="EventLoop"/> on a dedicated thread for the host's lifetime, and registers it (<see cref="EventLoop"/>, <see cref="IEventLoopHost"/>).</summary>
    /// <remarks>
    /// <para>asyncio: no twin; a thread running <c>loop.run_forever()</c>.</para>
    /// <para>The loop starts with the host (an <see cref="IHostedService"/>) and starts the
    /// <see cref="ILoopService"/>s in its first iteration. When the host stops, in order: the
    /// services' stopping token fires (on the loop thread); the host waits for the services to
    /// return; every task still pending is cancelled and awaited (one that fails other than by
    /// its cancellation is reported); the loop stops and closes (reporting what was never
    /// retrieved) and its thread ends. Each wait is bounded by the host's shutdown timeout: when
    /// it runs out, the steps left are taken at once, and tasks still pending are reported as
    /// "Task was destroyed but it is pending!". Reports go to <c>ILogger</c>, counters to the
    /// <c>Meter</c> (see <see cref="EventLoopHostOptions"/>). Calling it again only adds
    /// <paramref name="configure"/>.</para>
    /// </remarks>
    public static IServiceCollection AddEventLoop(this IServiceCollection services, Action<EventLoopHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
            services.Configure(configure);
        else
            services.AddOptions();
        services.TryAddSingleton<LoopHost>();
        services.TryAddSingleton<IEventLoopHost>(static provider => provider.GetRequiredService<LoopHost>());
        services.TryAddSingleton(static provider => provider.GetRequiredService<LoopHost>().Loop);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LoopHost>(static provider => provider.GetRequiredService<LoopHost>()));
        return services;
    }

    /// <summary>Registers <typeparamref name="TService"/> (a singleton) to run on the hosted loop for the host's lifetime; adds the loop if needed.</summary>
    /// <remarks>asyncio: no twin; see <see cref="ILoopService.RunAsync"/>. The instance that runs is the one the services resolve as <typeparamref name="TService"/>; registering the same type twice runs it once.</remarks>
    public static IServiceCollection AddLoopService<TService>(this IServiceCollection services)
        where TService : class, ILoopService
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddEventLoop();
        services.TryAddSingleton<TService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoopService, TService>(static provider => provider.GetRequiredService<TService>()));
        return services;
    }
}
