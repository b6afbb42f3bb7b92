using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>Anything the loop can await that gives a <typeparamref name="T"/>: what the combinators take, converted implicitly from every awaitable kind.</summary>
/// <remarks>
/// <para>asyncio: an "awaitable" with a result. A <see cref="Task{TResult}"/>, a
/// <see cref="ValueTask{TResult}"/>, a <see cref="Future{T}"/>, a <see cref="LoopTask{T}"/> and a
/// <see cref="Coroutine{T}"/> convert to it implicitly; see <see cref="Awaitable"/> for what each
/// API does with it. It converts to <see cref="Awaitable"/> in turn (the result boxed).</para>
/// <para>A <c>default</c> value is done at once with <c>default(T)</c>, as <c>default(ValueTask&lt;T&gt;)</c>.</para>
/// </remarks>
public readonly struct Awaitable<T>
{
    private readonly object? _source;
    private readonly ValueTask<T> _valueTask;
    private readonly AwaitableKind _kind;

    private Awaitable(AwaitableKind kind, object? source, ValueTask<T> valueTask = default)
    {
        _kind = kind;
        _source = source;
        _valueTask = valueTask;
    }

    /// <summary>A .NET Task.</summary>
    public static implicit operator Awaitable<T>(Task<T> task) =>
        new(AwaitableKind.Task, task ?? throw new ArgumentNullException(nameof(task)));

    /// <summary>A .NET ValueTask.</summary>
    public static implicit operator Awaitable<T>(ValueTask<T> valueTask) => new(AwaitableKind.ValueTask, null, valueTask);

    /// <summary>A loop Future.</summary>
    public static implicit operator Awaitable<T>(Future<T> future) =>
        new(AwaitableKind.Future, future ?? throw new ArgumentNullException(nameof(future)));

    /// <summary>A loop task.</summary>
    public static implicit operator Awaitable<T>(LoopTask<T> task) =>
        new(AwaitableKind.Future, task ?? throw new ArgumentNullException(nameof(task)));

    /// <summary>A coroutine, not yet started.</summary>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public static implicit operator Awaitable<T>(Coroutine<T> coroutine) => new(AwaitableKind.Coroutine, coroutine.Core);

    /// <summary>The same awaitable, its result boxed.</summary>
    public static implicit operator Awaitable(Awaitable<T> awaitable) => Awaitable.FromSource(new Boxed(awaitable));

    /// <summary>Whether this is a loop Future (for the checks made before anything else).</summary>
    internal Future? AsLoopFuture => _kind == AwaitableKind.Future ? (Future)_source! : null;

    /// <summary>asyncio's <c>ensure_future(aw, loop=loop)</c>: a Future of <paramref name="loop"/> for this awaitable.</summary>
    internal IFuture<T> ToFuture(EventLoop loop, string? name = null)
    {
        switch (_kind)
        {
            case AwaitableKind.Future:
                var future = (Future)_source!;
                if (future.Loop != loop)
                    ThrowHelper.OtherLoop();
                return (IFuture<T>)future;
            case AwaitableKind.Coroutine:
                return loop.CreateTask(new Coroutine<T>((CoroutineCore<T>)_source!), name);
            case AwaitableKind.Task:
                return loop.WrapFuture((Task<T>)_source!);
            default:
                // A pending ValueTask: asyncio's _wrap_awaitable, a task that awaits it.
                var valueTask = _valueTask;
                return loop.CreateTask(async () => await valueTask, name);
        }
    }

    /// <summary>Awaits it in the calling task, as <c>await aw</c>.</summary>
    internal async Task<T> AwaitAsync()
    {
        switch (_kind)
        {
            case AwaitableKind.Task:
                return await (Task<T>)_source!;
            case AwaitableKind.Future:
                var future = (Future)_source!;
                await future;
                return ((IFuture<T>)future).Result();
            case AwaitableKind.Coroutine:
                return await new Coroutine<T>((CoroutineCore<T>)_source!);
            default:
                return await _valueTask;
        }
    }

    private sealed class Boxed(Awaitable<T> awaitable) : IAwaitableSource
    {
        public Future ToFuture(EventLoop loop, string? name) => awaitable.ToFuture(loop, name).AsFuture();

        public async Task<object?> AwaitBoxedAsync() => await awaitable.AwaitAsync();
    }
}
