using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>Anything the loop can await, without a result: what the combinators take, converted implicitly from every awaitable kind.</summary>
/// <remarks>
/// <para>asyncio: an "awaitable" (<c>asyncio.ensure_future</c> and the combinators take any). C#
/// has no common type for the things one can await, so this struct is the one conversion point:
/// a <see cref="Task"/> (and <see cref="Task{TResult}"/>), a <see cref="ValueTask"/>, a
/// <see cref="SleepAwaitable"/>, a <see cref="Future"/> or <see cref="LoopTask"/> (typed or not),
/// a <see cref="Coroutine"/> or <see cref="Coroutine{T}"/>, and an <see cref="Awaitable{T}"/>
/// convert to it implicitly, so <c>loop.RunUntilComplete(loop.Sleep(1))</c> and
/// <c>loop.WaitFor(Task.Delay(10), 1.0)</c> need no wrapper.</para>
/// <para>As in asyncio, what an API does with it depends on the API: <c>WaitFor</c> and
/// <c>Timeout</c> await it inline in the calling task; <c>EnsureFuture</c>, <c>Gather</c>,
/// <c>Shield</c> and <c>RunUntilComplete</c> make it a Future of the loop first: a Future or task
/// as it is, a coroutine or a sleep as a new task, a .NET Task through
/// <see cref="EventLoop.WrapFuture(Task, CancellationTokenSource?)"/>, a pending ValueTask as a
/// task that awaits it.</para>
/// <para>A <c>default</c> value is the awaitable that is done at once, as <c>default(ValueTask)</c>.</para>
/// </remarks>
public readonly struct Awaitable
{
    private readonly object? _source;
    private readonly ValueTask _valueTask;
    private readonly double _delay;
    private readonly AwaitableKind _kind;

    private Awaitable(AwaitableKind kind, object? source, ValueTask valueTask = default, double delay = 0)
    {
        _kind = kind;
        _source = source;
        _valueTask = valueTask;
        _delay = delay;
    }

    /// <summary>A .NET Task (or <see cref="Task{TResult}"/>, its result boxed).</summary>
    public static implicit operator Awaitable(Task task) =>
        new(AwaitableKind.Task, task ?? throw new ArgumentNullException(nameof(task)));

    /// <summary>A .NET ValueTask.</summary>
    public static implicit operator Awaitable(ValueTask valueTask) =>
        valueTask.IsCompletedSuccessfully ? default : new(AwaitableKind.ValueTask, null, valueTask);

    /// <summary>A loop Future or task, typed or not.</summary>
    public static implicit operator Awaitable(Future future) =>
        new(AwaitableKind.Future, future ?? throw new ArgumentNullException(nameof(future)));

    /// <summary>A coroutine, not yet started.</summary>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public static implicit operator Awaitable(Coroutine coroutine) => new(AwaitableKind.Coroutine, coroutine.Core);

    /// <summary>A sleep: its timer starts when it is awaited, as for <c>await loop.Sleep(d)</c>.</summary>
    public static implicit operator Awaitable(SleepAwaitable sleep) => new(AwaitableKind.Sleep, sleep.Loop, delay: sleep.Delay);

    /// <summary>A typed awaitable, its result boxed.</summary>
    internal static Awaitable FromSource(IAwaitableSource source) => new(AwaitableKind.Source, source);

    /// <summary>Whether this is a loop Future (for the checks gather and wait make before anything else).</summary>
    internal Future? AsLoopFuture => _kind == AwaitableKind.Future ? (Future)_source! : null;

    /// <summary>The object behind it (a Future, a coroutine's box, a .NET Task), for gather's one-child-per-object rule.</summary>
    internal object? Source => _source;

    /// <summary>asyncio's <c>ensure_future(aw, loop=loop)</c>: a Future of <paramref name="loop"/> for this awaitable.</summary>
    internal Future ToFuture(EventLoop loop, string? name = null)
    {
        switch (_kind)
        {
            case AwaitableKind.Future:
                var future = (Future)_source!;
                if (future.Loop != loop)
                    ThrowHelper.OtherLoop();
                return future;
            case AwaitableKind.Coroutine:
                return loop.CreateTask(new Coroutine((CoroutineCore)_source!), name);
            case AwaitableKind.Task:
                return loop.WrapFuture((Task)_source!);
            case AwaitableKind.Source:
                return ((IAwaitableSource)_source!).ToFuture(loop, name);
            default:
                // A sleep, a pending ValueTask, a done one: asyncio's _wrap_awaitable, a task that awaits it.
                var self = this;
                return loop.CreateTask(() => self.AwaitAsync(), name);
        }
    }

    /// <summary>Awaits it in the calling task, as <c>await aw</c>; the boxed result, if any.</summary>
    internal async Task<object?> AwaitAsync()
    {
        switch (_kind)
        {
            case AwaitableKind.Task:
                var task = (Task)_source!;
                await task;
                return TaskResults.GetBoxed(task);
            case AwaitableKind.ValueTask:
                await _valueTask;
                return null;
            case AwaitableKind.Future:
                var future = (Future)_source!;
                await future;
                return future.Result();
            case AwaitableKind.Coroutine:
                await new Coroutine((CoroutineCore)_source!);
                return null;
            case AwaitableKind.Sleep:
                await ((EventLoop)_source!).Sleep(_delay);
                return null;
            case AwaitableKind.Source:
                return await ((IAwaitableSource)_source!).AwaitBoxedAsync();
            default:
                return null;
        }
    }
}

internal enum AwaitableKind : byte
{
    Done,
    Task,
    ValueTask,
    Future,
    Coroutine,
    Sleep,
    Source,
}

/// <summary>A typed awaitable seen untyped (an <see cref="Awaitable{T}"/> converted to <see cref="Awaitable"/>).</summary>
internal interface IAwaitableSource
{
    Future ToFuture(EventLoop loop, string? name);

    Task<object?> AwaitBoxedAsync();
}
