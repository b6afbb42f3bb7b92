namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>Runs a loop on a thread of its own, joined with a timeout: a run that would hang fails the test instead.</summary>
internal static class OwnThread
{
    /// <summary>Calls <paramref name="main"/> on a new thread; after <paramref name="seconds"/> of real time, stops the loop and throws <see cref="TimeoutException"/>.</summary>
    public static T Run<T>(EventLoop loop, Func<EventLoop, T> main, double seconds = 10)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = main(loop);
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        if (!thread.Join(TimeSpan.FromSeconds(seconds)))
        {
            loop.Stop();
            thread.Join(TimeSpan.FromSeconds(5));
            throw new TimeoutException($"the loop did not finish within {seconds} s of real time");
        }
        if (error is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return result;
    }
}
