namespace Asyncio.Internal;

/// <summary>Turns a <see cref="CancellationToken"/> into the cancellation of the loop Future a wait is suspended on.</summary>
/// <remarks>
/// <para>The token may fire on any thread; a loop Future may be cancelled only on its loop's.
/// On the loop thread (a callback of the loop calling <c>cts.Cancel()</c>) the Future is cancelled
/// at once, so the wait ends in the same iteration asyncio's <c>fut.cancel()</c> would end it;
/// from anywhere else the cancellation is posted through the inbox. Either way the waiter then
/// leaves its line through the primitive's own cancellation path, as when its task is cancelled:
/// nothing is taken, nothing is lost.</para>
/// <para>Callers register only when <see cref="CancellationToken.CanBeCanceled"/>: a default token
/// costs nothing.</para>
/// </remarks>
internal static class TokenCancellation
{
    private static readonly Action<object?> s_onToken = static state => CancelOnItsLoop((Future)state!);

    private static readonly Action<object?> s_cancelOnLoop = static state => ((Future)state!).CancelIfPending();

    /// <summary>Cancels <paramref name="future"/> when <paramref name="token"/> fires; dispose the registration once the wait ends.</summary>
    public static CancellationTokenRegistration Register(Future future, CancellationToken token) =>
        token.CanBeCanceled ? token.UnsafeRegister(s_onToken, future) : default;

    /// <summary>Cancels <paramref name="future"/> when <paramref name="token"/> fires, for as long as it is pending: the registration ends with the Future.</summary>
    /// <remarks>For a Future that outlives the call that was given the token (a task made with one, asyncio's <c>task.cancel()</c> driven by .NET).</remarks>
    public static void CancelWhilePending(Future future, CancellationToken token)
    {
        if (!token.CanBeCanceled || future.Done)
            return;
        if (token.IsCancellationRequested)
        {
            future.Cancel();
            return;
        }
        var link = new Link();
        future.AddListener(link);
        link.Registration = token.UnsafeRegister(s_onToken, future);
    }

    /// <summary>Unregisters from the token once the Future is done, so that a long-lived token does not keep it.</summary>
    private sealed class Link : IFutureListener
    {
        public CancellationTokenRegistration Registration;

        public void OnFutureDone(Future future) => Registration.Unregister();
    }

    private static void CancelOnItsLoop(Future future)
    {
        var loop = future.Loop;
        if (loop.IsLoopThread)
            future.CancelIfPending();
        else
            loop.PostFromOtherThread(new WorkItem(s_cancelOnLoop, future, WorkKind.StateAction));
    }
}
