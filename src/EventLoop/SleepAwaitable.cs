using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>What <see cref="EventLoop.Sleep(double)"/> returns: await it.</summary>
/// <remarks>
/// asyncio: the coroutine <c>asyncio.sleep(delay)</c>. As with the coroutine, the timer starts
/// when the sleep is awaited, not when it is created.
/// </remarks>
public readonly struct SleepAwaitable
{
    private readonly EventLoop _loop;
    private readonly double _delay;

    internal SleepAwaitable(EventLoop loop, double delay)
    {
        _loop = loop;
        _delay = delay;
    }

    internal EventLoop Loop => _loop;

    internal double Delay => _delay;

    /// <summary>Starts the sleep: arms the timer, or for a delay of zero or less prepares to yield one iteration.</summary>
    public SleepAwaiter GetAwaiter()
    {
        _loop.CheckClosed();
        _loop.CheckThread("Sleep");
        if (_delay <= 0)
            return new SleepAwaiter(_loop);
        var future = new SleepFuture(_loop);
        future.Timer = _loop.At(_loop.Time() + _delay, SleepFuture.Fire, future, "Sleep");
        return new SleepAwaiter(future);
    }
}

/// <summary>The awaiter of a sleep; not meant to be used directly.</summary>
/// <remarks>asyncio: <c>asyncio.sleep</c>: a bare <c>yield</c> for zero, an awaited Future otherwise.</remarks>
public readonly struct SleepAwaiter : ICriticalNotifyCompletion, ILoopAwaiter
{
    // One field, not a loop and a Future: the awaiter is stored in the task's state-machine box,
    // and each field there is 8 bytes on every suspended task and a write barrier on every await
    // (W3 of issue 6 is bound by the collector's work on 100,000 live tasks). The loop for a
    // zero sleep, the SleepFuture (which knows its loop) for a positive one.
    private readonly object _target;

    internal SleepAwaiter(EventLoop loop) => _target = loop;

    internal SleepAwaiter(SleepFuture future) => _target = future;

    /// <summary>Always false: a sleep always suspends, even <c>Sleep(0)</c>.</summary>
    public bool IsCompleted => false;

    /// <summary>Throws <see cref="CancelledError"/> when the sleeping task was cancelled.</summary>
    public void GetResult()
    {
        if (_target is SleepFuture future)
            future.GetResultForAwait();
        else
            Unsafe.As<EventLoop>(_target).ThrowIfPendingForCurrentTask();
    }

    /// <summary>Schedules <paramref name="continuation"/> for when the sleep is over.</summary>
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <summary>Schedules <paramref name="continuation"/> for when the sleep is over.</summary>
    public void UnsafeOnCompleted(Action continuation)
    {
        if (_target is SleepFuture future)
            future.OnAwait(continuation);
        else
            Unsafe.As<EventLoop>(_target).YieldTo(continuation);
    }
}

/// <summary>The Future a positive sleep waits on; cancelling it cancels its timer, as asyncio's <c>finally: h.cancel()</c>.</summary>
internal sealed class SleepFuture : Future
{
    public static readonly Action<object?> Fire = SetResultUnlessCancelled;

    // Named as asyncio's futures._set_result_unless_cancelled, which reprs show.
    private static void SetResultUnlessCancelled(object? state)
    {
        var future = (SleepFuture)state!;
        if (!future.Done)
            future.FinishCore();
    }

    public SleepFuture(EventLoop loop) : base(loop)
    {
    }

    public TimerHandle? Timer { get; set; }

    private protected override void OnCancelled() => Timer?.Cancel();

    private protected override object? BoxedResult => null;
}
