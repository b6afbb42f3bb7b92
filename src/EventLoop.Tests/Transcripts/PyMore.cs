namespace Asyncio.Tests.Transcripts;

/// <summary>More of Python and asyncio's module-level names, for twins 19-33.</summary>
public static class PyMore
{
    /// <summary>asyncio's <c>asyncio.sleep(delay)</c>: sleeps on the running loop.</summary>
    public static SleepAwaitable Sleep(double delay) => EventLoop.GetRunningLoop().Sleep(delay);

    /// <summary>asyncio's <c>asyncio.current_task()</c>: the running loop's current task.</summary>
    public static LoopTask? CurrentTask() => EventLoop.GetRunningLoop().CurrentTask;

    /// <summary>Python's <c>type(x).__name__</c>, with the C# stand-ins named as the Python types they replace.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        string => "str",
        bool => "bool",
        int or long or short or byte => "int",
        double or float => "float",
        ArgumentException => "ValueError",
        KeyNotFoundException => "KeyError",
        TimeoutException => "TimeoutError",
        AggregateException => "ExceptionGroup",
        DeadlockError or InvalidStateError or CancelledError => value.GetType().Name,
        InvalidOperationException => "RuntimeError",
        _ => value.GetType().Name,
    };

    /// <summary>Python's <c>" ".join(s.split()[:count])</c>: the first words of a string.</summary>
    public static string FirstWords(string s, int count) =>
        string.Join(" ", s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(count));
}
