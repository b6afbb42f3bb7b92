namespace Asyncio;

public sealed partial class EventLoop
{
    // Futures whose exception was set and maybe never looked at. Pruned of the observed ones
    // whenever it doubles, so a long-running loop with many handled failures stays small.
    private readonly List<Future> _unobserved = [];
    private int _unobservedPruneAt = 64;

    internal void TrackUnobserved(Future future)
    {
        _unobserved.Add(future);
        if (_unobserved.Count >= _unobservedPruneAt)
        {
            _unobserved.RemoveAll(static f => !f.ExceptionUnobserved);
            _unobservedPruneAt = Math.Max(64, _unobserved.Count * 2);
        }
    }

    /// <summary>What asyncio's <c>Future.__del__</c> and <c>Task.__del__</c> report, reported at <see cref="Close"/>.</summary>
    private void ReportLeftovers()
    {
        foreach (var future in _unobserved)
        {
            if (!future.ExceptionUnobserved)
                continue;
            future.MarkObserved();
            var exception = future.Exception();
            CallExceptionHandler(new ExceptionContext(
                (future is LoopTask ? "Task" : "Future") + " exception was never retrieved")
            {
                Exception = exception,
                Future = future,
                SourceTraceback = future.SourceTraceback,
            });
        }
        _unobserved.Clear();
        foreach (var task in AllTasks())
        {
            task.DropPendingException();
            if (task.LogDestroyPending)
                CallExceptionHandler(new ExceptionContext("Task was destroyed but it is pending!") { Task = task, SourceTraceback = task.SourceTraceback });
        }
    }
}
