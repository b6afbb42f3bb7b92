namespace Asyncio.Hosting;

/// <summary>The loop that <see cref="EventLoopServiceCollectionExtensions.AddEventLoop"/> runs on its own thread, and the thread-safe ways in.</summary>
/// <remarks>
/// <para>asyncio: no twin; what an application does by hand with a thread running
/// <c>loop.run_forever()</c> and <c>asyncio.run_coroutine_threadsafe()</c>.</para>
/// <para>Resolve it anywhere in the application (a controller, a hosted service, a message
/// handler). Its members may be called from any thread; the <see cref="Loop"/>'s other members
/// only from code already on the loop.</para>
/// </remarks>
public interface IEventLoopHost
{
    /// <summary>The hosted loop.</summary>
    /// <remarks>asyncio: the loop of the thread that runs <c>run_forever()</c>. Only its thread-safe members (<see cref="EventLoop.CallSoonThreadsafe(Action)"/>, <see cref="EventLoop.RunCoroutineThreadsafe(Func{Task}, CancellationToken)"/>) may be called from other threads.</remarks>
    EventLoop Loop { get; }

    /// <summary>Completes when the loop's thread has ended and the loop is closed: nothing of it runs any more.</summary>
    /// <remarks>asyncio: no twin; <c>thread.join()</c> on the loop's thread.</remarks>
    Task Completion { get; }

    /// <summary>Runs <paramref name="coroutine"/> as a task on the loop, from any thread; the returned .NET Task completes as it does: <see cref="EventLoop.RunCoroutineThreadsafe{T}(Func{Task{T}}, CancellationToken)"/>.</summary>
    /// <remarks>asyncio: <c>asyncio.run_coroutine_threadsafe(coro, loop)</c>. <paramref name="cancellationToken"/> cancels the loop task.</remarks>
    Task<T> RunAsync<T>(Func<EventLoop, Task<T>> coroutine, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="coroutine"/> as a task on the loop, from any thread; the returned .NET Task completes as it does: <see cref="EventLoop.RunCoroutineThreadsafe(Func{Task}, CancellationToken)"/>.</summary>
    /// <remarks>asyncio: <c>asyncio.run_coroutine_threadsafe(coro, loop)</c>. <paramref name="cancellationToken"/> cancels the loop task.</remarks>
    Task RunAsync(Func<EventLoop, Task> coroutine, CancellationToken cancellationToken = default);
}
