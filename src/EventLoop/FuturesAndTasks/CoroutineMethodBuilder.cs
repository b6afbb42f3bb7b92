using System.ComponentModel;
using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>The compiler's builder for <c>async Coroutine</c> methods; not meant to be used directly.</summary>
/// <remarks>
/// <para>asyncio: none; what CPython's compiler does for an <c>async def</c>.</para>
/// <para><see cref="Start"/> only boxes the state machine (the body does not run: see
/// <see cref="Coroutine"/>); the box is what the loop queues to resume it.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct CoroutineMethodBuilder
{
    private CoroutineCore<NoResult>? _core;

    /// <summary>Makes a builder: called by compiler-generated code.</summary>
    public static CoroutineMethodBuilder Create() => default;

    /// <summary>Boxes the state machine without running it: called by compiler-generated code.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        var box = new CoroutineBox<TStateMachine, NoResult>();
        _core = box; // before the copy, so that the boxed builder knows its box
        box.StateMachine = stateMachine;
    }

    /// <summary>The coroutine the method returns: called by compiler-generated code.</summary>
    public readonly Coroutine Task => new(_core!);

    /// <summary>Not used on .NET: the state machine is boxed by <see cref="Start"/>.</summary>
    public readonly void SetStateMachine(IAsyncStateMachine stateMachine) =>
        ArgumentNullException.ThrowIfNull(stateMachine);

    /// <summary>The body returned: called by compiler-generated code.</summary>
    public readonly void SetResult() => _core!.SetResult(default);

    /// <summary>The body threw <paramref name="exception"/>: called by compiler-generated code.</summary>
    public readonly void SetException(Exception exception) => _core!.Fail(exception);

    /// <summary>Suspends the body on <paramref name="awaiter"/>: called by compiler-generated code.</summary>
    public readonly void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        _core!.Suspend(ref awaiter, flowContext: true);

    /// <summary>Suspends the body on <paramref name="awaiter"/>: called by compiler-generated code.</summary>
    public readonly void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        _core!.Suspend(ref awaiter, flowContext: false);
}

/// <summary>The compiler's builder for <c>async Coroutine&lt;T&gt;</c> methods; not meant to be used directly.</summary>
/// <remarks>asyncio: none; see <see cref="CoroutineMethodBuilder"/>.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct CoroutineMethodBuilder<T>
{
    private CoroutineCore<T>? _core;

    /// <summary>Makes a builder: called by compiler-generated code.</summary>
    public static CoroutineMethodBuilder<T> Create() => default;

    /// <summary>Boxes the state machine without running it: called by compiler-generated code.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        var box = new CoroutineBox<TStateMachine, T>();
        _core = box; // before the copy, so that the boxed builder knows its box
        box.StateMachine = stateMachine;
    }

    /// <summary>The coroutine the method returns: called by compiler-generated code.</summary>
    public readonly Coroutine<T> Task => new(_core!);

    /// <summary>Not used on .NET: the state machine is boxed by <see cref="Start"/>.</summary>
    public readonly void SetStateMachine(IAsyncStateMachine stateMachine) =>
        ArgumentNullException.ThrowIfNull(stateMachine);

    /// <summary>The body returned <paramref name="result"/>: called by compiler-generated code.</summary>
    public readonly void SetResult(T result) => _core!.SetResult(result);

    /// <summary>The body threw <paramref name="exception"/>: called by compiler-generated code.</summary>
    public readonly void SetException(Exception exception) => _core!.Fail(exception);

    /// <summary>Suspends the body on <paramref name="awaiter"/>: called by compiler-generated code.</summary>
    public readonly void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        _core!.Suspend(ref awaiter, flowContext: true);

    /// <summary>Suspends the body on <paramref name="awaiter"/>: called by compiler-generated code.</summary>
    public readonly void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        _core!.Suspend(ref awaiter, flowContext: false);
}
