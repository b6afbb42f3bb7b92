namespace Asyncio;

/// <summary>One pending task as <see cref="EventLoop.SnapshotTasks"/> saw it.</summary>
/// <remarks>asyncio: no twin; the structured form of asyncio 3.14's call-graph introspection.</remarks>
/// <param name="Task">The task.</param>
/// <param name="Name">Its name.</param>
/// <param name="WaitingOn">What it awaits, described: a Future, a lock, a queue, another task, or null when a step of it is queued or it awaits a .NET Task.</param>
/// <param name="Chain">The chain of awaits from this task to what finally blocks it, each described (the task first).</param>
/// <param name="WaitingSeconds">How long it has been suspended, in loop seconds (debug mode only; null otherwise).</param>
/// <param name="CreatedAt">Where it was created (debug mode only).</param>
public sealed record TaskSnapshot(
    LoopTask Task,
    string Name,
    string? WaitingOn,
    IReadOnlyList<string> Chain,
    double? WaitingSeconds,
    string? CreatedAt);
