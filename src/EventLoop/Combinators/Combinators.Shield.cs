using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio;

public static partial class Combinators
{
    // ---- Shield ------------------------------------------------------------------------------

    /// <summary>Protects <paramref name="future"/> from the cancellation of whoever awaits it: asyncio's <c>asyncio.shield(aw)</c>.</summary>
    /// <remarks>
    /// Returns a new Future that follows
    /// <paramref name="future"/>; cancelling it (for example by cancelling the awaiting task, or
    /// by <paramref name="cancellationToken"/>) leaves <paramref name="future"/> running. A done
    /// Future is returned as is.
    /// </remarks>
    public static Future<T> Shield<T>(this EventLoop loop, Future<T> future, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(future);
        return Shielded(loop, (Future<T>)ShieldCore(loop, future, static f => ((Future<T>)f).Result(), static l => l.CreateFuture<T>()), cancellationToken);
    }

    /// <summary>Protects <paramref name="task"/> from the cancellation of whoever awaits it: asyncio's <c>asyncio.shield(task)</c>.</summary>
    /// <remarks>A done task comes back wrapped in a done Future.</remarks>
    public static Future<T> Shield<T>(this EventLoop loop, LoopTask<T> task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Shielded(loop, (Future<T>)ShieldCore(loop, task, static f => ((LoopTask<T>)f).Result(), static l => l.CreateFuture<T>()), cancellationToken);
    }

    /// <summary>Makes <paramref name="awaitable"/> a Future (see <see cref="EventLoop.EnsureFuture(Awaitable, CancellationToken)"/>) and shields it: asyncio's <c>asyncio.shield(aw)</c>.</summary>
    /// <remarks>See <see cref="Shield{T}(EventLoop, Future{T}, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // a Future or task argument keeps its own overload (no conversion to Awaitable is "better" than one to IFuture<T>)
    public static Future<T> Shield<T>(this EventLoop loop, Awaitable<T> awaitable, CancellationToken cancellationToken = default)
    {
        loop.CheckClosed();
        loop.CheckThread(nameof(Shield));
        CheckAwaitableLoop(loop, awaitable.AsLoopFuture);
        var inner = awaitable.ToFuture(loop).AsFuture();
        return Shielded(loop, (Future<T>)ShieldCore(loop, inner, static f => ((IFuture<T>)f).Result(), static l => l.CreateFuture<T>()), cancellationToken);
    }

    /// <summary>Makes the .NET Task <paramref name="task"/> a Future and shields it: asyncio's <c>asyncio.shield(aw)</c>.</summary>
    /// <remarks>See <see cref="Shield{T}(EventLoop, Awaitable{T}, CancellationToken)"/>.</remarks>
    public static Future<T> Shield<T>(this EventLoop loop, Task<T> task, CancellationToken cancellationToken = default) => loop.Shield((Awaitable<T>)task, cancellationToken);

    /// <summary>Runs <paramref name="coroutine"/> as a task and shields it: asyncio's <c>asyncio.shield(coro())</c>.</summary>
    /// <remarks>See <see cref="Shield{T}(EventLoop, LoopTask{T}, CancellationToken)"/>.</remarks>
    public static Future<T> Shield<T>(this EventLoop loop, Func<Task<T>> coroutine, CancellationToken cancellationToken = default)
    {
        loop.CheckThread(nameof(Shield));
        return loop.Shield(loop.CreateTask(coroutine), cancellationToken);
    }

    /// <summary>Runs the coroutine <paramref name="coroutine"/> as a task and shields it: asyncio's <c>asyncio.shield(coro())</c>.</summary>
    /// <remarks>See <see cref="Shield{T}(EventLoop, LoopTask{T}, CancellationToken)"/>.</remarks>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public static Future<T> Shield<T>(this EventLoop loop, Coroutine<T> coroutine, CancellationToken cancellationToken = default)
    {
        loop.CheckThread(nameof(Shield));
        return loop.Shield(loop.CreateTask(coroutine), cancellationToken);
    }

    /// <summary>Protects any Future from the cancellation of whoever awaits it: asyncio's <c>asyncio.shield(aw)</c>.</summary>
    /// <remarks>See <see cref="Shield{T}(EventLoop, Future{T}, CancellationToken)"/>.</remarks>
    public static Future<object?> Shield(this EventLoop loop, Future future, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(future);
        return Shielded(loop, (Future<object?>)ShieldCore(loop, future, static f => f.Result(), static l => l.CreateFuture<object?>()), cancellationToken);
    }

    /// <summary>Makes <paramref name="awaitable"/> a Future (a sleep, a coroutine, a .NET Task...) and shields it: asyncio's <c>asyncio.shield(aw)</c>.</summary>
    /// <remarks>See <see cref="Shield{T}(EventLoop, Future{T}, CancellationToken)"/>.</remarks>
    [OverloadResolutionPriority(-1)] // a Future or task argument keeps its own overload (no conversion to Awaitable is "better" than one to IFuture<T>)
    public static Future<object?> Shield(this EventLoop loop, Awaitable awaitable, CancellationToken cancellationToken = default)
    {
        loop.CheckClosed();
        loop.CheckThread(nameof(Shield));
        CheckAwaitableLoop(loop, awaitable.AsLoopFuture);
        return loop.Shield(awaitable.ToFuture(loop), cancellationToken);
    }

    private static void CheckAwaitableLoop(EventLoop loop, Future? future)
    {
        if (future is not null && future.Loop != loop)
            ThrowHelper.OtherLoop();
    }

    private static Future<T> Shielded<T>(EventLoop loop, Future<T> outer, CancellationToken cancellationToken)
    {
        EventLoop.CancelOn(outer, cancellationToken);
        return outer;
    }

    private static Future ShieldCore<T>(EventLoop loop, Future inner, Func<Future, T> resultOf, Func<EventLoop, Future<T>> create)
    {
        loop.CheckThread(nameof(Shield));
        if (inner.Loop != loop)
            ThrowHelper.OtherLoop();
        if (inner.Done && inner is Future<T> same)
            return same;
        var outer = create(loop);
        if (inner.Done && inner.Cancelled)
        {
            // asyncio returns the done task itself, so awaiting it raises the task's own
            // CancelledError, and takes it: a later await of the task gets a bare one. Take it
            // here, for the awaiter of this Future.
            outer.Cancel(inner.MakeCancelledError().CancelMessage);
            return outer;
        }
        var link = new ShieldLink<T>(inner, outer, resultOf);
        if (inner.Done)
            link.OnFutureDone(inner); // a done task: copy its outcome now
        else
        {
            inner.AddListener(link);
            outer.AddListener(link);
        }
        return outer;
    }

    /// <summary>asyncio's <c>_inner_done_callback</c> and <c>_outer_done_callback</c> in <c>shield</c>.</summary>
    private sealed class ShieldLink<T>(Future inner, Future<T> outer, Func<Future, T> resultOf) : IFutureListener
    {
        public string CallbackName => "shield.<locals>._inner_done_callback";

        public void OnFutureDone(Future future)
        {
            if (ReferenceEquals(future, outer))
            {
                if (!inner.Done)
                    inner.RemoveListener(this);
                return;
            }
            if (outer.Cancelled)
            {
                if (!inner.Cancelled)
                    inner.Exception(); // mark it retrieved
                return;
            }
            if (inner.Cancelled)
                outer.Cancel();
            else if (inner.Exception() is { } error)
                outer.SetException(error);
            else
                outer.SetResult(resultOf(inner));
        }
    }
}
