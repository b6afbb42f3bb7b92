using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>What an <c>async Coroutine</c> method returns: a coroutine object that has not started.</summary>
/// <remarks>
/// <para>asyncio: the coroutine object that calling an <c>async def</c> function returns.</para>
/// <para>Calling the method runs none of its body, as in Python: the body starts when the
/// coroutine is awaited (inline, as a step of the awaiting task) or when a task takes it
/// (<see cref="EventLoop.CreateTask(Coroutine, string?, CancellationToken)"/>, in the task's first step). A
/// coroutine runs once: awaiting it again, or giving it to a second task, throws
/// "cannot reuse already awaited coroutine" (or "coroutine is being awaited already" while it
/// runs), Python's <c>RuntimeError</c>.</para>
/// <para>Why a type of its own beside <c>async Task</c> (which works too): a task over a
/// coroutine is three objects instead of four, and an await of a loop Future, a sleep or
/// another coroutine inside it allocates nothing. Spawning many small tasks costs less memory
/// and less collector work.</para>
/// <para>Differs from asyncio: a coroutine that is never awaited is not reported ("coroutine
/// ... was never awaited").</para>
/// </remarks>
[AsyncMethodBuilder(typeof(CoroutineMethodBuilder))]
public readonly struct Coroutine
{
    private readonly CoroutineCore? _core;

    internal Coroutine(CoroutineCore core) => _core = core;

    internal CoroutineCore Core => _core ?? throw DefaultCoroutine();

    internal static InvalidOperationException DefaultCoroutine() =>
        new("This Coroutine is a default value: only an async Coroutine method makes one.");

    /// <summary>Starts the coroutine, inline, up to its first suspension: Python's <c>await coro</c>.</summary>
    /// <exception cref="InvalidOperationException">The coroutine was started before, or is a default value.</exception>
    public CoroutineAwaiter GetAwaiter()
    {
        var core = Core;
        core.Start();
        return new CoroutineAwaiter(core);
    }

    /// <summary>Python's repr: <c>&lt;coroutine object Child&gt;</c>.</summary>
    public override string ToString() => _core?.ToString() ?? "<coroutine default>";
}

/// <summary>The awaiter behind <c>await coroutine</c>; not meant to be used directly.</summary>
/// <remarks>asyncio: a coroutine's <c>__await__</c>. When the coroutine finishes, its awaiter resumes inline, in the same step.</remarks>
public readonly struct CoroutineAwaiter : ICriticalNotifyCompletion, ILoopAwaiter
{
    private readonly CoroutineCore _core;

    internal CoroutineAwaiter(CoroutineCore core) => _core = core;

    /// <summary>Whether the coroutine has finished, so that <c>await</c> need not suspend.</summary>
    public bool IsCompleted => _core.IsCompleted;

    /// <summary>Rethrows what the coroutine threw, if anything.</summary>
    public void GetResult() => _core.ThrowIfFailed();

    /// <summary>Runs <paramref name="continuation"/> when the coroutine finishes.</summary>
    public void OnCompleted(Action continuation) => _core.SetContinuation(continuation);

    /// <summary>Runs <paramref name="continuation"/> when the coroutine finishes.</summary>
    public void UnsafeOnCompleted(Action continuation) => _core.SetContinuation(continuation);
}
