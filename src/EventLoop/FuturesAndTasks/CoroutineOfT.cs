using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>What an <c>async Coroutine&lt;T&gt;</c> method returns: a coroutine object, not started, whose body returns a <typeparamref name="T"/>.</summary>
/// <remarks>asyncio: the coroutine object of an <c>async def</c> that returns a value; see <see cref="Coroutine"/> for the rules.</remarks>
[AsyncMethodBuilder(typeof(CoroutineMethodBuilder<>))]
public readonly struct Coroutine<T>
{
    private readonly CoroutineCore<T>? _core;

    internal Coroutine(CoroutineCore<T> core) => _core = core;

    internal CoroutineCore<T> Core => _core ?? throw Coroutine.DefaultCoroutine();

    /// <summary>This coroutine as an awaitable without a static result type (see <see cref="Awaitable"/>).</summary>
    /// <exception cref="InvalidOperationException">The coroutine is a default value.</exception>
    public static implicit operator Awaitable(Coroutine<T> coroutine) => (Awaitable<T>)coroutine;

    /// <summary>Starts the coroutine, inline, up to its first suspension: Python's <c>await coro</c>.</summary>
    /// <exception cref="InvalidOperationException">The coroutine was started before, or is a default value.</exception>
    public CoroutineAwaiter<T> GetAwaiter()
    {
        var core = Core;
        core.Start();
        return new CoroutineAwaiter<T>(core);
    }

    /// <summary>Python's repr: <c>&lt;coroutine object Child&gt;</c>.</summary>
    public override string ToString() => _core?.ToString() ?? "<coroutine default>";
}

/// <summary>The awaiter behind <c>await coroutine</c> of a <see cref="Coroutine{T}"/>; not meant to be used directly.</summary>
/// <remarks>asyncio: a coroutine's <c>__await__</c>; see <see cref="CoroutineAwaiter"/>.</remarks>
public readonly struct CoroutineAwaiter<T> : ICriticalNotifyCompletion, ILoopAwaiter
{
    private readonly CoroutineCore<T> _core;

    internal CoroutineAwaiter(CoroutineCore<T> core) => _core = core;

    /// <summary>Whether the coroutine has finished, so that <c>await</c> need not suspend.</summary>
    public bool IsCompleted => _core.IsCompleted;

    /// <summary>Returns what the coroutine returned, or rethrows what it threw.</summary>
    public T GetResult()
    {
        _core.ThrowIfFailed();
        return _core.Result;
    }

    /// <summary>Runs <paramref name="continuation"/> when the coroutine finishes.</summary>
    public void OnCompleted(Action continuation) => _core.SetContinuation(continuation);

    /// <summary>Runs <paramref name="continuation"/> when the coroutine finishes.</summary>
    public void UnsafeOnCompleted(Action continuation) => _core.SetContinuation(continuation);
}
