using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>What <see cref="EventLoop.Sleep(double)"/> returns: await it.</summary>
/// <remarks>
/// <para>asyncio: the coroutine <c>asyncio.sleep(delay)</c>. As with the coroutine, the timer starts
/// when the sleep is awaited, not when it is created.</para>
/// <para>Awaited from a thread that is not the loop's while the loop runs, the timer starts when
/// the loop thread takes the await from its inbox, and the awaiting code resumes on its own
/// side (its SynchronizationContext, or the thread pool), as for any loop Future.</para>
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
        if (_loop.IsRunningElsewhere)
            return new SleepAwaiter(new SleepFuture(_loop, _delay)); // armed on the loop thread (see ForeignAwait)
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
    // (workload W3 is bound by the collector's work on 100,000 live tasks). The loop for a
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

    // The delay of a sleep awaited from another thread, armed once the loop thread sees it; NaN once armed.
    private double _unarmedDelay = double.NaN;

    public SleepFuture(EventLoop loop) : base(loop)
    {
    }

    /// <summary>A sleep awaited from a thread that is not the loop's: its timer starts on the loop thread (<see cref="Arm"/>).</summary>
    public SleepFuture(EventLoop loop, double delay) : base(loop) => _unarmedDelay = Math.Max(0, delay);

    public TimerHandle? Timer { get; set; }

    public bool Armed => double.IsNaN(_unarmedDelay);

    /// <summary>Starts the timer of a sleep awaited from another thread; on the loop thread. A delay of zero fires in the next iteration.</summary>
    public void Arm()
    {
        double delay = _unarmedDelay;
        _unarmedDelay = double.NaN;
        if (!Done)
            Timer = Loop.At(Loop.Time() + delay, Fire, this, "Sleep");
    }

    private protected override void OnCancelled() => Timer?.Cancel();

    private protected override object? BoxedResult => null;
}
