using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Asyncio.Internal;

/// <summary>Debug mode's report of a blocking wait on the loop thread (<c>.Result</c>, <c>.Wait()</c>, <c>GetAwaiter().GetResult()</c>, <c>WaitHandle.WaitOne</c>, ...).</summary>
/// <remarks>
/// <para>asyncio's debug mode only sees a blocking call as a slow callback once it returns; a
/// <c>.Result</c> on a task that needs the loop never returns, and the loop hangs in silence.
/// .NET calls <see cref="SynchronizationContext.Wait"/> of the current context for the waits
/// that block a thread (Monitor, wait handles, and so every Task wait), when the context asks
/// for it: the loop's contexts do. In debug mode the wait first blocks for
/// <see cref="EventLoop.SlowCallbackDuration"/>; if it is not over by then, the call is reported
/// while it still blocks, named from the loop thread's own stack, and the wait goes on.</para>
/// <para>Not seen: <c>Thread.Sleep</c>, spinning, synchronous I/O; those show only as a slow
/// callback after they return.</para>
/// </remarks>
internal static class BlockingWaits
{
    public static int Wait(EventLoop loop, LoopTask? task, IntPtr[] waitHandles, bool waitAll, int millisecondsTimeout)
    {
        if (!loop.Debug || !loop.IsLoopThread || loop.IsIdle)
            return WaitCore(waitHandles, waitAll, millisecondsTimeout);
        int first = (int)Math.Min(Math.Ceiling(loop.SlowCallbackDuration * 1000), int.MaxValue - 1);
        if (millisecondsTimeout != Timeout.Infinite && millisecondsTimeout <= first)
            return WaitCore(waitHandles, waitAll, millisecondsTimeout);
        long started = Stopwatch.GetTimestamp();
        int result = WaitCore(waitHandles, waitAll, first);
        if (result != WaitHandle.WaitTimeout)
            return result;
        Report(loop, task, Stopwatch.GetElapsedTime(started).TotalSeconds);
        if (millisecondsTimeout == Timeout.Infinite)
            return WaitCore(waitHandles, waitAll, Timeout.Infinite);
        int left = millisecondsTimeout - (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return WaitCore(waitHandles, waitAll, Math.Max(0, left));
    }

    // What the base Wait does (SynchronizationContext.WaitHelper), through a context that asks
    // for no notification, so that the loop's context is not entered again.
    private static int WaitCore(IntPtr[] waitHandles, bool waitAll, int millisecondsTimeout) =>
        NoNotification.Instance.Wait(waitHandles, waitAll, millisecondsTimeout);

    /// <summary>A context that asks for no wait notification: its base Wait just waits.</summary>
    private sealed class NoNotification : SynchronizationContext
    {
        public static readonly NoNotification Instance = new();
    }

    private static void Report(EventLoop loop, LoopTask? task, double seconds)
    {
        var (call, caller, stack) = Describe(new StackTrace(2, fNeedFileInfo: true));
        string where = task is null ? "a callback" : task.ToString();
        string message = string.Create(CultureInfo.InvariantCulture,
            $"Blocking call on the loop thread in {where}: {call} called from {caller} has blocked the loop for {seconds:0.000} seconds and still blocks; await it instead");
        loop.CallExceptionHandler(new ExceptionContext(message)
        {
            Task = task,
            SourceTraceback = stack,
        });
    }

    /// <summary>The blocking API (the outermost frame of the BCL under the caller's code), the caller, and the stack from the caller down.</summary>
    private static (string Call, string Caller, string Stack) Describe(StackTrace trace)
    {
        var frames = trace.GetFrames();
        string call = "a blocking wait";
        int callerIndex = -1;
        for (int i = 0; i < frames.Length; i++)
        {
            var method = frames[i].GetMethod();
            if (method is null)
                continue;
            if (IsRuntime(method))
            {
                call = Name(method);
                continue;
            }
            callerIndex = i;
            break;
        }
        if (callerIndex < 0)
            return (call, "unknown code", trace.ToString().TrimEnd());
        string caller = Name(frames[callerIndex].GetMethod()!);
        var rest = new StackTrace(frames[callerIndex..].Where(f => f.GetMethod()?.DeclaringType?.Assembly != typeof(EventLoop).Assembly));
        return (call, caller, rest.ToString().TrimEnd());
    }

    private static bool IsRuntime(MethodBase method)
    {
        var type = method.DeclaringType;
        if (type is null)
            return true;
        if (type.Assembly == typeof(EventLoop).Assembly)
            return true;
        string? ns = type.Namespace;
        return ns is not null && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal));
    }

    // What the user wrote, where the runtime's frame for it is an inlined helper's.
    private static readonly Dictionary<string, string> s_friendlyNames = new()
    {
        ["Task.GetResultCore"] = "Task.Result",
        ["Task.get_Result"] = "Task.Result",
        ["WaitHandle.WaitOneNoCheck"] = "WaitHandle.WaitOne",
    };

    private static string Name(MethodBase method)
    {
        string name = RawName(method);
        return s_friendlyNames.TryGetValue(name, out var friendly) ? friendly : name;
    }

    private static string RawName(MethodBase method)
    {
        var type = method.DeclaringType;
        if (type is null)
            return method.Name;
        if (type.Name.StartsWith('<') && type.DeclaringType is { } outer)
            return StripArity(outer.Name) + "." + Naming.AsyncMethodName(type); // an async method's MoveNext
        return StripArity(type.Name) + "." + method.Name;
    }

    private static string StripArity(string name) => name.IndexOf('`') is var tick and >= 0 ? name[..tick] : name;
}
