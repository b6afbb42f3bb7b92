using Asyncio.Internal;

namespace Asyncio.Internal;

/// <summary>A loop Future completed by work outside the loop: a thread-pool job or a .NET <see cref="Task"/>.</summary>
/// <remarks>
/// <para>asyncio: the Future returned by <c>wrap_future</c> (and so by <c>run_in_executor</c>).</para>
/// <para>Invariant: from <see cref="Attach"/> until the outcome has been copied on the loop thread
/// (or, for a wrapped Task, until this Future is cancelled), the loop counts one piece of
/// outstanding external work, so that a virtual-time loop waits on its inbox instead of
/// declaring a deadlock. Counting and uncounting both happen on the loop thread.</para>
/// </remarks>
internal sealed class ExternalFuture<T> : Future<T>
{
    private static readonly Action<object?> s_onSourceDone = static s => ((ExternalFuture<T>)s!).OnSourceDone();

    private Task? _source;
    private CancellationTokenSource? _cancellation;
    private bool _counted;
    // An executor job goes on counting after a cancellation (its thread is still busy); a
    // wrapped Task may never complete, so cancelling stops counting it.
    private bool _uncountOnCancel;
    private bool _real;

    public ExternalFuture(EventLoop loop) : base(loop)
    {
    }

    /// <summary>Starts watching <paramref name="source"/>: its completion is posted to the loop.</summary>
    public void Attach(Task source, CancellationTokenSource? cancellation, bool uncountOnCancel, bool real = false)
    {
        _source = source;
        _cancellation = cancellation;
        _uncountOnCancel = uncountOnCancel;
        if (source.IsCompleted && !real)
        {
            CopyOutcome(source);
            return;
        }
        // (Real work the caller names, a child's exit, is always seen a step later, through the
        // inbox, as asyncio's child watcher reports it: returncode is None right after the start.)
        _counted = true;
        // An executor job is real work surely in progress; a wrapped Task may be anything
        // (even a delay on the loop's own TimeProvider), unless the caller says it is real.
        _real = !uncountOnCancel || real;
        if (_real)
            Loop.RealWorkStarted();
        else
            Loop.ForeignWaitStarted();
        _ = source.ContinueWith(static (t, s) =>
        {
            _ = t.Exception; // observed here: a Future cancelled first never looks at it
            var self = (ExternalFuture<T>)s!;
            // Through the inbox even when completed on the loop thread: the outcome is copied
            // in a later iteration, as asyncio's wrap_future does with call_soon_threadsafe.
            self.Loop.PostFromOtherThread(new WorkItem(s_onSourceDone, self, WorkKind.StateAction));
        }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void OnSourceDone()
    {
        Uncount();
        if (!Done)
            CopyOutcome(_source!);
    }

    private void Uncount()
    {
        if (_counted)
        {
            _counted = false;
            if (_real)
                Loop.RealWorkEnded();
            else
                Loop.ForeignWaitEnded();
        }
    }

    private void CopyOutcome(Task source)
    {
        if (source.IsCanceled)
        {
            Cancel();
        }
        else if (source.IsFaulted)
        {
            var aggregate = source.Exception!;
            SetException(aggregate.InnerExceptions.Count == 1 ? aggregate.InnerException! : aggregate);
        }
        else if (source is Task<T> typed)
        {
            SetResult(typed.Result);
        }
        else
        {
            SetResult((T)TaskResults.GetBoxed(source)!);
        }
    }

    private protected override void OnCancelled()
    {
        if (_uncountOnCancel)
            Uncount();
        var cancellation = _cancellation;
        _cancellation = null;
        if (cancellation is not null)
        {
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The owner disposed its source: nothing left to cancel.
            }
        }
    }
}
