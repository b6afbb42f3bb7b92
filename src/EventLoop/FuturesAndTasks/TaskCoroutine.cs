using Asyncio.Internal;

namespace Asyncio;

/// <summary>What a task runs, as <see cref="LoopTask.GetCoro"/> returns it: asyncio's coroutine object of <c>task.get_coro()</c>.</summary>
/// <remarks>
/// <para>asyncio: the coroutine object a task wraps; only its repr and identity are of use here.</para>
/// <para>Two of these are equal when they describe what the same task runs, as
/// <c>task.get_coro() is task.get_coro()</c> holds in Python.</para>
/// <para>Differs from asyncio: for a task made from a function, the function itself
/// (<see cref="Function"/>) until its first step; from then on the async method it started,
/// named by that method (as Python names the coroutine of <c>create_task(child())</c>).</para>
/// </remarks>
public sealed class TaskCoroutine : IEquatable<TaskCoroutine>
{
    private readonly LoopTask _task;

    internal TaskCoroutine(LoopTask task) => _task = task;

    /// <summary>The function the task was made from (a <see cref="Func{Task}"/> or <see cref="Func{TResult}"/> of a Task) until its first step, or <see langword="null"/>: once it started, and for a task over a <see cref="Coroutine"/>.</summary>
    public Delegate? Function => _task.Origin as Delegate;

    /// <summary>The method's name, as Python's <c>__qualname__</c> would read for its twin: <c>Child</c>, <c>Main.&lt;locals&gt;.Child</c>, <c>Main.&lt;locals&gt;.&lt;lambda&gt;</c>.</summary>
    public string Name => _task.Origin switch
    {
        Delegate function => FunctionName(function),
        CoroutineCore coroutine => coroutine.MethodName,
        Type ran => RanName(ran),
        { } started => RanName(started.GetType()),
        null => "coroutine",
    };

    // An async method or lambda is named by its state machine, as a Coroutine is; another
    // method by itself.
    private static string FunctionName(Delegate function) =>
        function.Method.GetCustomAttributes(typeof(System.Runtime.CompilerServices.AsyncStateMachineAttribute), inherit: false)
            is [System.Runtime.CompilerServices.AsyncStateMachineAttribute attribute]
            ? Naming.AsyncMethodName(attribute.StateMachineType)
            : Naming.QualifiedName(function.Method);

    // A running async method's Task, and a Coroutine's box, are the runtime's (or this
    // library's) box over its state machine, whose type is one of the box type's generic
    // arguments; anything else is named by its type.
    private static string RanName(Type type)
    {
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                if (typeof(System.Runtime.CompilerServices.IAsyncStateMachine).IsAssignableFrom(argument))
                    return Naming.AsyncMethodName(argument);
            }
        }
        return type.Name;
    }

    /// <summary>Python's repr of a coroutine object: <c>&lt;coroutine object Child&gt;</c>, with no address.</summary>
    public override string ToString() => $"<coroutine object {Name}>";

    /// <summary>Whether <paramref name="other"/> describes what the same task runs.</summary>
    public bool Equals(TaskCoroutine? other) => other is not null && ReferenceEquals(_task, other._task);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TaskCoroutine);

    /// <inheritdoc/>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_task);
}
