namespace Asyncio.Tests.Reliability.Boundary;

/// <summary>Runs a call on a thread of its own, as a user's worker thread would, bounded in time.</summary>
internal static class ForeignThread
{
    public const string WrongThread = "Non-thread-safe operation invoked on an event loop other than the current one";

    /// <summary>Runs <paramref name="call"/> on a new thread and returns what it threw (null: nothing); fails after 10 s rather than hang.</summary>
    public static Exception? Call(Action call)
    {
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try
            {
                call();
            }
            catch (Exception e)
            {
                caught = e;
            }
        })
        { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)), "the call from the foreign thread did not return within 10 s");
        return caught;
    }

    /// <summary>Asserts that <paramref name="call"/>, made from another thread, is refused with the wrong-thread error naming <paramref name="operation"/>.</summary>
    public static void AssertRefused(Action call, string operation)
    {
        var error = Call(call);
        Assert.NotNull(error);
        Assert.IsType<InvalidOperationException>(error);
        Assert.Equal(WrongThread, error!.Message); // asyncio's text alone; the cause and the way out are inside
        Assert.StartsWith(operation + " was called from another thread", Assert.IsType<InvalidOperationException>(error.InnerException).Message);
    }
}
