namespace Asyncio.Internal;

/// <summary>The Future that <c>Gather</c> returns: asyncio's <c>_GatheringFuture</c> with its <c>_done_callback</c>.</summary>
/// <remarks>
/// Cancelling it cancels its children (it is cancelled only through them); without
/// return_exceptions the first child to fail or be cancelled decides its outcome, while the
/// others run on.
/// </remarks>
internal sealed class GatheringFuture<T> : Future<T[]>, IFutureListener
{
    private readonly Future[] _children;
    private readonly int _uniqueCount;
    private readonly bool _returnExceptions;
    private readonly Func<Future, T> _resultOf;
    private int _finished;
    private bool _cancelRequested;

    public GatheringFuture(EventLoop loop, Future[] children, int uniqueCount, bool returnExceptions, Func<Future, T> resultOf)
        : base(loop)
    {
        _children = children;
        _uniqueCount = uniqueCount;
        _returnExceptions = returnExceptions;
        _resultOf = resultOf;
    }

    private protected override string DisplayName => "_GatheringFuture";

    public string CallbackName => "gather.<locals>._done_callback";

    public override bool Cancel(string? message = null)
    {
        if (Done)
            return false;
        bool any = false;
        foreach (var child in _children)
        {
            if (child.Cancel(message))
                any = true;
        }
        if (any)
            _cancelRequested = true;
        return any;
    }

    public void OnFutureDone(Future child)
    {
        _finished++;
        if (Done)
        {
            if (!child.Cancelled)
                child.Exception(); // mark it retrieved
            return;
        }
        if (!_returnExceptions)
        {
            if (child.Cancelled)
            {
                // asyncio sets the CancelledError as the exception: the gather is not itself
                // cancelled, but awaiting it throws.
                SetExceptionCore(child.MakeCancelledError());
                return;
            }
            if (child.Exception() is { } error)
            {
                SetExceptionCore(error);
                return;
            }
        }
        if (_finished == _uniqueCount)
            Complete();
    }

    private void Complete()
    {
        var results = new T[_children.Length];
        for (int i = 0; i < _children.Length; i++)
        {
            var child = _children[i];
            if (child.Cancelled)
                results[i] = (T)(object)new CancelledError(child.CancelMessage ?? "");
            else if (child.Exception() is { } error)
                results[i] = (T)(object)error;
            else
                results[i] = _resultOf(child);
        }
        // asyncio builds the error from its loop variable, which after the loop above is the last
        // child in argument order, whichever completed last: CancelledError() when that child was
        // not cancelled. Both of CPython's implementations do so.
        if (_cancelRequested)
            SetExceptionCore(_children[^1].MakeCancelledError());
        else
            SetResult(results);
    }
}
