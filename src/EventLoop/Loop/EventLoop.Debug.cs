using System.Diagnostics;
using System.Globalization;
using Asyncio.Internal;

namespace Asyncio;

public sealed partial class EventLoop
{
    /// <summary>Debug mode: creation sites remembered and shown in reports, slow callbacks reported: asyncio's <c>loop.get_debug()</c>/<c>set_debug()</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>loop.set_debug(True)</c> (or <c>PYTHONASYNCIODEBUG=1</c>; here
    /// <see cref="EventLoopOptions.Debug"/> or <c>EVENTLOOP_DEBUG=1</c>).</para>
    /// <para>Handles, Futures and tasks created while it is on remember where (a stack trace), and
    /// the exception handler's context carries it as <see cref="ExceptionContext.SourceTraceback"/>.
    /// A callback or task step that runs at least <see cref="SlowCallbackDuration"/> seconds of
    /// real time is reported: "Executing &lt;Handle ...&gt; took 0.150 seconds".</para>
    /// <para>Differs from asyncio: the slow-callback report goes to the exception handler
    /// (without an exception) instead of the logger; the thread check is on in every mode.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">Set from another thread while the loop runs.</exception>
    public bool Debug
    {
        get => _debug;
        set
        {
            CheckThread(nameof(Debug));
            _debug = value;
        }
    }

    /// <summary>In debug mode, callbacks that run at least this many seconds (real time) are reported: asyncio's <c>loop.slow_callback_duration</c>.</summary>
    public double SlowCallbackDuration
    {
        get => _slowCallbackDuration;
        set
        {
            CheckThread(nameof(SlowCallbackDuration));
            if (double.IsNaN(value) || value < 0)
                throw new ArgumentOutOfRangeException(nameof(value), value, "SlowCallbackDuration must be a number of seconds, zero or more.");
            _slowCallbackDuration = value;
        }
    }

    /// <summary><see cref="SlowCallbackDuration"/> as a <see cref="TimeSpan"/>: asyncio's <c>loop.slow_callback_duration</c>.</summary>
    /// <exception cref="InvalidOperationException">Set from another thread while the loop runs.</exception>
    public TimeSpan SlowCallbackTimeSpan
    {
        get => TimeSpan.FromSeconds(_slowCallbackDuration);
        set => SlowCallbackDuration = value.TotalSeconds;
    }

    /// <summary>The caller's stack, past the library's own frames: asyncio's <c>extract_stack</c> for <c>_source_traceback</c>.</summary>
    internal static string CaptureSource()
    {
        var frames = new StackTrace(1, fNeedFileInfo: true).GetFrames()
            .Where(f => f.GetMethod()?.DeclaringType?.Assembly != typeof(EventLoop).Assembly);
        return new StackTrace(frames).ToString().TrimEnd();
    }

    private void ReportIfSlow(in WorkItem item, long started)
    {
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (seconds < _slowCallbackDuration)
            return;
        var handle = item.Kind == WorkKind.Handle ? (Handle)item.Callback : new ReportHandle(this, item.Task is { } t ? t.Task.ToString() : item.Describe());
        // asyncio's _format_handle: a task's step is shown as the task itself, not a handle around it.
        string shown = item.Task is { } stepped ? stepped.Task.ToString() : handle.ToString();
        CallExceptionHandler(new ExceptionContext(
            $"Executing {shown} took {seconds.ToString("0.000", CultureInfo.InvariantCulture)} seconds")
        {
            Handle = handle,
            SourceTraceback = handle.SourceTraceback,
        });
    }
}
