using System.Runtime.InteropServices;
using Asyncio.Internal;

namespace Asyncio;

public sealed partial class EventLoop
{
    private static readonly Action<object?> s_reportCollected = static loop => ((EventLoop)loop!).ReportCollected();

    /// <summary>Starts watching a Future whose exception was just set; returns the sentinel whose finalizer reports it if it is collected unobserved.</summary>
    internal UnobservedSentinel TrackUnobserved(Future future)
    {
        var sentinel = new UnobservedSentinel(this, future);
        // After Close nothing would free the handle; the sentinel drops its report by itself.
        if (_leftoversTaken)
            return sentinel;
        _unobserved.Add(GCHandle.Alloc(future, GCHandleType.WeakTrackResurrection));
        if (_unobserved.Count >= _unobservedPruneAt)
            PruneUnobserved();
        return sentinel;
    }

    private void PruneUnobserved()
    {
        int kept = 0;
        for (int i = 0; i < _unobserved.Count; i++)
        {
            var handle = _unobserved[i];
            if (handle.Target is Future { ExceptionUnobserved: true })
                _unobserved[kept++] = handle;
            else
                handle.Free();
        }
        _unobserved.RemoveRange(kept, _unobserved.Count - kept);
        _unobservedPruneAt = Math.Max(64, kept * 2);
        // The list grew for a burst that is gone: give its array back too.
        if (_unobserved.Capacity > 4 * _unobservedPruneAt)
            _unobserved.Capacity = _unobservedPruneAt;
    }

    /// <summary>The finalizer thread: <paramref name="future"/> was collected with its exception unobserved.</summary>
    /// <remarks>Never calls the handler from that thread: the report is posted to the loop.</remarks>
    internal void OnCollectedUnobserved(UnobservedSentinel sentinel, Future future)
    {
        bool first;
        lock (_collectedGate)
        {
            if (sentinel._claimed || _leftoversTaken)
                return;
            sentinel._claimed = true;
            _collected.Add(future);
            first = _collected.Count == 1;
        }
        // One post for a whole batch: a million collected futures are one callback, not a million.
        if (first)
            PostFromOtherThread(new WorkItem(s_reportCollected, this, WorkKind.StateAction));
    }

    private void ReportCollected()
    {
        Future[] batch;
        lock (_collectedGate)
        {
            batch = [.. _collected];
            // A burst of collections grew the list: start small again rather than keep it.
            if (_collected.Capacity > 64)
                _collected = [];
            else
                _collected.Clear();
        }
        foreach (var future in batch)
            ReportNeverRetrieved(future);
    }

    private void ReportNeverRetrieved(Future future)
    {
        if (!future.ExceptionUnobserved)
            return;
        future.MarkObserved();
        CallExceptionHandler(new ExceptionContext(
            (future is LoopTask ? "Task" : "Future") + " exception was never retrieved")
        {
            Exception = future.Exception(),
            Future = future,
            SourceTraceback = future.SourceTraceback,
        });
    }

    /// <summary>What asyncio's <c>Future.__del__</c> and <c>Task.__del__</c> report, reported at <see cref="Close"/>.</summary>
    /// <remarks>
    /// Deterministic for what is alive: every failed Future not yet collected is reported here,
    /// in the order the exceptions were set, after those the GC found first.
    /// </remarks>
    private void ReportLeftovers()
    {
        var leftovers = new List<Future>();
        lock (_collectedGate)
        {
            _leftoversTaken = true;
            leftovers.AddRange(_collected);
            _collected.Clear();
            foreach (var handle in _unobserved)
            {
                if (handle.Target is Future { ExceptionUnobserved: true } future && future.ClaimUnobservedReport())
                    leftovers.Add(future);
                handle.Free();
            }
            _unobserved.Clear();
        }
        foreach (var future in leftovers)
            ReportNeverRetrieved(future);
        foreach (var task in AllTasks())
        {
            task.DropPendingException();
            if (task.LogDestroyPending)
                CallExceptionHandler(new ExceptionContext("Task was destroyed but it is pending!") { Task = task, SourceTraceback = task.SourceTraceback });
        }
    }

    /// <summary>Reports a failed Future that is collected with its exception never retrieved: asyncio's <c>Future.__del__</c>.</summary>
    /// <remarks>
    /// Made only when an exception is set (a Future that succeeds never has one), referenced only
    /// by its Future, and dismissed (its finalizer suppressed) as soon as the exception is
    /// retrieved. It holds its Future, so the two die together and the Future is still whole
    /// when the finalizer hands it to the loop, which reports it on its own thread.
    /// </remarks>
    internal sealed class UnobservedSentinel(EventLoop loop, Future future)
    {
        private Future? _future = future;

        /// <summary>Reported already, by Close or through the finalizer (guarded by the loop's <c>_collectedGate</c>).</summary>
        internal bool _claimed;

        /// <summary>The exception was retrieved: nothing to report, ever.</summary>
        internal void Dismiss()
        {
            _future = null;
            GC.SuppressFinalize(this);
        }

        ~UnobservedSentinel()
        {
            if (_future is { } collected)
                loop.OnCollectedUnobserved(this, collected);
        }
    }
}
