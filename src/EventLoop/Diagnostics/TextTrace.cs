using System.Globalization;
using System.Runtime.CompilerServices;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>Prints what the loop does, iteration by iteration, as text: for people learning how an event loop works.</summary>
/// <remarks>
/// <para>asyncio: no twin (the nearest is debug mode's logging of slow callbacks).</para>
/// <para>Turn it on with <see cref="EventLoopOptions.Trace"/>, with <c>EVENTLOOP_TRACE=1</c> for
/// loops created without options, or with <see cref="Attach"/>. Each iteration prints a header
/// (its number, the loop time, how many callbacks are ready and how many timers pending), then
/// the phases of the iteration that did something, numbered as in the documentation's "How the
/// loop works": 2, the clock moved while the loop waited; 3, work that came from outside the loop
/// (another thread, or code that ran before the loop); 4, the timers that came due; 5, each
/// callback that ran (<c>5.1</c>, <c>5.2</c>, ...) with what it did as it did it (created a task,
/// armed a timer, completed a Future, what the task awaits next) and what it left for the next
/// iteration (<c>→ next iteration:</c>). Lines the program prints itself appear where it printed them.</para>
/// <para>Callbacks are named as asyncio names them (<c>&lt;lambda&gt;()</c>,
/// <c>gather.&lt;locals&gt;._done_callback(...)</c>), tasks by their names, Futures by a number in
/// the order the trace first met them. On virtual time the text is the same on every run.</para>
/// <para>It is the loop's <see cref="EventLoop.Observer"/>; to keep it alongside another observer,
/// combine both with <see cref="CompositeObserver"/>.</para>
/// </remarks>
public sealed class TextTrace : LoopObserver
{
    // A burst of thousands of callbacks stays readable: the rest is counted, not listed.
    private const int MaxListed = 8;
    private const int MaxRepr = 100;

    private readonly EventLoop _loop;
    private readonly TextWriter _writer;
    private readonly ConditionalWeakTable<Future, StrongBox<int>> _futureIds = new();
    private readonly List<TimerHandle> _dueTimers = [];
    private int _nextFutureId;
    private int _iteration;
    private int _step;
    private bool _inIteration;
    private bool _outsideHeader;
    // Ready items left for the next iteration when the last one finished: the rest of the next
    // iteration's ready count came from outside the loop (phase 3) or from due timers (phase 4).
    private int _leftOver;
    private int _readyBeforeCallback;
    private double? _lastTime;

    /// <summary>Creates a trace of <paramref name="loop"/> that writes to <paramref name="writer"/>; attach it with <see cref="EventLoop.Observer"/>.</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public TextTrace(EventLoop loop, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(writer);
        _loop = loop;
        _writer = writer;
        _leftOver = loop.ReadyCount;
    }

    /// <summary>Creates a trace that writes to <paramref name="writer"/> and attaches it to <paramref name="loop"/> as its <see cref="EventLoop.Observer"/>.</summary>
    /// <remarks>asyncio: no twin. Replaces any observer already attached.</remarks>
    public static TextTrace Attach(EventLoop loop, TextWriter writer)
    {
        var trace = new TextTrace(loop, writer);
        loop.Observer = trace;
        return trace;
    }

    /// <inheritdoc/>
    public override void IterationStarted(EventLoop loop, int ready, int timers)
    {
        _iteration++;
        _inIteration = true;
        _outsideHeader = false;
        _step = 0;
        double now = loop.Time();
        _writer.WriteLine($"iteration {_iteration} at t={Time(now)}: {Count(ready, "callback")} ready, {Count(timers, "timer")} pending");
        if (_lastTime is { } last && now - last >= (loop.IsVirtualTime ? 1e-9 : 0.0005))
        {
            _writer.WriteLine(loop.IsVirtualTime
                ? $"  2. nothing was ready: the clock jumps {Seconds(now - last)} (virtual time)"
                : $"  2. nothing was ready: the loop waited {Seconds(now - last)}");
        }
        _lastTime = now;

        int outside = ready - _leftOver - _dueTimers.Count;
        if (outside > 0)
            _writer.WriteLine("  3. from outside the loop: " + List(_leftOver, outside));
        foreach (var timer in _dueTimers)
            _writer.WriteLine($"  4. timer due: {Callback(timer)} (t={Time(timer.When)})");
        _dueTimers.Clear();
        _writer.WriteLine(ready == 0 ? "  5. nothing to run" : $"  5. run the {Count(ready, "callback")} ready now:");
    }

    /// <inheritdoc/>
    public override void IterationFinished(EventLoop loop, int ran)
    {
        _leftOver = loop.ReadyCount;
        _lastTime = loop.Time();
        if (!_inIteration)
            return;
        _inIteration = false;
        _writer.Flush();
    }

    /// <inheritdoc/>
    public override void CallbackStarting(EventLoop loop, CallbackInfo callback)
    {
        if (!_inIteration)
            return;
        _step++;
        _readyBeforeCallback = loop.ReadyCount;
        var item = callback.Item;
        string what = item.Kind == WorkKind.Handle && ((Handle)item.Callback).Cancelled ? "a cancelled callback: skipped" : Describe(item);
        _writer.WriteLine($"  5.{_step.ToString(CultureInfo.InvariantCulture)} {what}");
    }

    /// <inheritdoc/>
    public override void CallbackFinished(EventLoop loop, CallbackInfo callback)
    {
        if (!_inIteration)
            return;
        int scheduled = loop.ReadyCount - _readyBeforeCallback;
        if (scheduled > 0)
            _writer.WriteLine("      → next iteration: " + List(_readyBeforeCallback, scheduled));
    }

    /// <inheritdoc/>
    public override void TaskCreated(LoopTask task) => Event($"creates task '{task.Name}'");

    /// <inheritdoc/>
    public override void TaskResumed(LoopTask task, Future? wokenBy)
    {
        if (wokenBy is not null)
            Event("woken by " + Label(wokenBy));
    }

    /// <inheritdoc/>
    public override void TaskSuspended(LoopTask task, Future? waitingOn) =>
        Event(waitingOn is null ? "awaits no loop Future (a yield, or a .NET Task)" : "awaits " + Label(waitingOn));

    /// <inheritdoc/>
    public override void TimerArmed(TimerHandle timer) =>
        Event($"arms a timer for t={Time(timer.When)}: {Callback(timer)}");

    /// <inheritdoc/>
    public override void TimerFired(TimerHandle timer) => _dueTimers.Add(timer);

    /// <inheritdoc/>
    public override void FutureCompleted(Future future) =>
        Event(future is LoopTask task ? $"task '{task.Name}' is done: {Short(task.ToString())}" : "completes " + Label(future));

    /// <summary>Something a callback did, under it; or, outside any iteration, under a header of its own.</summary>
    private void Event(string text)
    {
        if (_inIteration)
        {
            _writer.WriteLine("      " + text);
            return;
        }
        if (_loop.IsRunning)
            return; // attached in the middle of an iteration: wait for the next one
        if (!_outsideHeader)
        {
            _outsideHeader = true;
            _writer.WriteLine("outside the loop:");
        }
        _writer.WriteLine("  " + text);
    }

    /// <summary>The <paramref name="count"/> ready items from <paramref name="start"/> (0 = the head of the ready queue), named.</summary>
    private string List(int start, int count)
    {
        var names = new List<string>(Math.Min(count, MaxListed) + 1);
        for (int i = 0; i < count && i < MaxListed; i++)
            names.Add(Describe(_loop.PeekReady(start + i)));
        if (count > MaxListed)
            names.Add($"and {(count - MaxListed).ToString(CultureInfo.InvariantCulture)} more");
        return string.Join(", ", names);
    }

    private static string Describe(in WorkItem item)
    {
        if (item.Task is { } context)
            return $"task '{context.Task.Name}' " + (item.Kind == WorkKind.TaskStart ? "starts" : "resumes");
        if (item.Kind != WorkKind.Handle)
            return Short(item.Describe());
        var handle = (Handle)item.Callback;
        if (handle.Cancelled)
            return "a cancelled callback";
        return handle is TimerHandle timer ? "timer " + Callback(timer) : Callback(handle);
    }

    private static string Callback(Handle handle) => Short(handle.DescribeForReport());

    /// <summary>"Future 3 &lt;Future pending&gt;": a number to find it again by, and asyncio's repr.</summary>
    private string Label(Future future)
    {
        if (future is LoopTask task)
            return $"task '{task.Name}'";
        int id = _futureIds.GetValue(future, _ => new StrongBox<int>(++_nextFutureId)).Value;
        return $"Future {id.ToString(CultureInfo.InvariantCulture)} {Short(future.ToString())}";
    }

    private static string Short(string text) => text.Length <= MaxRepr ? text : text[..(MaxRepr - 3)] + "...";

    private static string Time(double t) => t.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Seconds(double s) => s.ToString("0.000", CultureInfo.InvariantCulture) + " s";

    private static string Count(int n, string noun) => n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? noun : noun + "s");
}
