using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Asyncio;

/// <summary>Records what the loop does as a Chrome trace (the JSON that Perfetto and <c>chrome://tracing</c> open).</summary>
/// <remarks>
/// <para>asyncio: no twin.</para>
/// <para>Attach it with <see cref="EventLoop.Observer"/> (or <see cref="Attach"/>), run, then
/// <see cref="WriteTo(Stream)"/>. The trace holds, on one track (pid 1, tid 1):</para>
/// <list type="bullet">
/// <item>one slice per iteration (category <c>iteration</c>, named <c>iteration N</c>), with
/// the ready-queue length and timer count it began with in its arguments;</item>
/// <item>inside it, one slice per callback it ran: a task step (category <c>task</c>, named
/// after the task, with what woke it and what it awaits next), a timer's callback (<c>timer</c>),
/// or another callback (<c>callback</c>), named by its description; a callback that scheduled
/// work has its count in the argument <c>scheduled</c> (all of it runs in the next iteration,
/// in that order, so the counts name the next iteration's slices one by one);</item>
/// <item>instants for "task created", "timer armed" and "completed" inside the slice that did it;</item>
/// <item>flow arrows from a Future's completion to each task step it woke (<c>wake-up</c>), and
/// from the slice that armed a timer to the callback that ran it (<c>timer</c>); a flow is
/// written only when it has both ends, so a cancelled timer or a Future nobody awaited leaves
/// no dangling arrow;</item>
/// <item>counters <c>ready queue</c> and <c>timers</c> at each iteration's start;</item>
/// <item>what happens before the loop runs (creating tasks, arming timers) in slices named
/// <c>outside the loop</c>.</item>
/// </list>
/// <para>Timestamps are loop time in microseconds, moved one microsecond past the previous
/// event when the clock has not moved, so that slices under virtual time (where a callback
/// takes no time) have a width and nest; the exact loop time is in each slice's arguments.
/// Nothing depends on the real clock, process ids or hash codes: a run on virtual time writes
/// the same bytes every time.</para>
/// <para>A recorder attached while an iteration runs ignores the ends of slices it did not see
/// begin. It keeps every event in memory until written.</para>
/// </remarks>
public sealed class ChromeTraceRecorder : LoopObserver
{
    private readonly EventLoop _loop;
    private readonly List<Entry> _entries = [];
    private readonly List<int> _open = []; // indices of the Begin entries not yet ended
    private readonly ConditionalWeakTable<object, Site> _sites = new();
    private readonly ConditionalWeakTable<object, StrongBox<long>> _ids = new();
    private long _lastTimestamp = long.MinValue;
    private long _nextObjectId;
    private int _nextFlowId;
    private int _iterations;
    private bool _outsideOpen;
    private int _readyBeforeCallback;

    /// <summary>Creates a recorder for <paramref name="loop"/>; attach it with <see cref="EventLoop.Observer"/>.</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public ChromeTraceRecorder(EventLoop loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        _loop = loop;
    }

    /// <summary>Creates a recorder and attaches it to <paramref name="loop"/> as its <see cref="EventLoop.Observer"/>.</summary>
    /// <remarks>asyncio: no twin. Replaces any observer already attached.</remarks>
    public static ChromeTraceRecorder Attach(EventLoop loop)
    {
        var recorder = new ChromeTraceRecorder(loop);
        loop.Observer = recorder;
        return recorder;
    }

    /// <summary>The loop this recorder reads the time of.</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public EventLoop Loop => _loop;

    /// <summary>How many iterations were recorded.</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public int Iterations => _iterations;

    // ---- hooks -----------------------------------------------------------------------------

    /// <inheritdoc/>
    public override void IterationStarted(EventLoop loop, int ready, int timers)
    {
        if (_outsideOpen)
        {
            _outsideOpen = false;
            End(EntryKind.Outside);
        }
        _iterations++;
        Add(new Entry(EntryKind.Counter, "ready queue", "loop", Stamp()) { Args = [new("length", ready)] });
        Add(new Entry(EntryKind.Counter, "timers", "loop", Stamp()) { Args = [new("pending", timers)] });
        Begin(new Entry(EntryKind.Iteration, "iteration " + _iterations, "iteration", Stamp())
        {
            Args = [new("index", _iterations), new("loop_time", loop.Time()), new("ready", ready), new("timers", timers)],
        });
    }

    /// <inheritdoc/>
    public override void IterationFinished(EventLoop loop, int ran) => End(EntryKind.Iteration);

    /// <inheritdoc/>
    public override void CallbackStarting(EventLoop loop, CallbackInfo callback)
    {
        if (!IsOpen(EntryKind.Iteration))
            return; // attached in the middle of an iteration: its slice began unseen
        long ts = Stamp();
        Entry entry;
        if (callback.Task is { } task)
        {
            entry = new Entry(EntryKind.Callback, task.Name, "task", ts)
            {
                Args = [new("task", Id(task)), new("loop_time", loop.Time())],
            };
        }
        else
        {
            var handle = callback.Handle;
            entry = new Entry(EntryKind.Callback, callback.Description, handle is TimerHandle ? "timer" : "callback", ts)
            {
                Args = [new("loop_time", loop.Time())],
            };
        }
        Begin(entry);
        _readyBeforeCallback = loop.ReadyCount;
        if (callback.Handle is TimerHandle timer && _sites.TryGetValue(timer, out var armed))
            FlowEnd(armed, "timer");
    }

    /// <inheritdoc/>
    public override void CallbackFinished(EventLoop loop, CallbackInfo callback)
    {
        // What the callback added to the ready queue: nothing else enqueues while it runs.
        int scheduled = loop.ReadyCount - _readyBeforeCallback;
        if (scheduled > 0 && IsOpen(EntryKind.Callback))
            AddArg(new("scheduled", scheduled));
        End(EntryKind.Callback);
    }

    /// <inheritdoc/>
    public override void TaskCreated(LoopTask task)
    {
        EnsureEnclosingSlice();
        Add(new Entry(EntryKind.Instant, "task created", "task", Stamp())
        {
            Args = [new("task", Id(task)), new("name", task.Name)],
        });
    }

    /// <inheritdoc/>
    public override void TaskResumed(LoopTask task, Future? wokenBy)
    {
        if (wokenBy is null || !IsOpen(EntryKind.Callback))
            return;
        AddArg(new("resumed_by", Label(wokenBy) + " " + Describe(wokenBy)));
        if (_sites.TryGetValue(wokenBy, out var completed))
            FlowEnd(completed, "wake-up");
    }

    /// <inheritdoc/>
    public override void TaskSuspended(LoopTask task, Future? waitingOn)
    {
        if (IsOpen(EntryKind.Callback))
            AddArg(new("awaits", waitingOn is null ? "no loop Future (a yield, or a .NET Task)" : Label(waitingOn) + " " + Describe(waitingOn)));
    }

    /// <inheritdoc/>
    public override void TaskFinished(LoopTask task)
    {
        if (IsOpen(EntryKind.Callback))
            AddArg(new("finished", task.Cancelled ? "cancelled" : "done"));
    }

    /// <inheritdoc/>
    public override void TimerArmed(TimerHandle timer)
    {
        EnsureEnclosingSlice();
        var site = new Site();
        _sites.AddOrUpdate(timer, site);
        Add(new Entry(EntryKind.Anchor, "timer armed", "timer", Stamp())
        {
            Site = site,
            Args = [new("timer", Id(timer)), new("when", timer.When), new("delay", timer.When - _loop.Time())],
        });
    }

    /// <inheritdoc/>
    public override void FutureCompleted(Future future)
    {
        EnsureEnclosingSlice();
        var site = new Site();
        _sites.AddOrUpdate(future, site);
        Add(new Entry(EntryKind.Anchor, "completed " + Label(future), future is LoopTask ? "task" : "future", Stamp())
        {
            Site = site,
            Args = [new(future is LoopTask ? "task" : "future", Id(future)), new("state", Describe(future))],
        });
    }

    // ---- writing ---------------------------------------------------------------------------

    /// <summary>Writes the trace as JSON (Chrome's "JSON Object Format") to <paramref name="stream"/>, one event per line.</summary>
    /// <remarks>asyncio: no twin. Slices still open (a run stopped mid-iteration) are closed at the last timestamp.</remarks>
    public void WriteTo(Stream stream) => WriteTo(stream, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

    /// <summary>Writes the trace to the file at <paramref name="path"/> (see <see cref="WriteTo(Stream)"/>).</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public void WriteTo(string path)
    {
        using var file = File.Create(path);
        WriteTo(file);
    }

    /// <summary>The trace as a JSON string (see <see cref="WriteTo(Stream)"/>).</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        WriteTo(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes with <paramref name="encoder"/>: the default one escapes <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c>, for embedding in HTML.</summary>
    internal void WriteTo(Stream stream, JavaScriptEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder });
        bool first = true;

        void Emit(Action<Utf8JsonWriter> write)
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            write(writer);
            writer.Flush();
            stream.Write(first ? "\n"u8 : ",\n"u8);
            stream.Write(buffer.WrittenSpan);
            first = false;
        }

        stream.Write("{\"traceEvents\":["u8);
        Emit(w => WriteMetadata(w, "process_name", "EventLoop"));
        Emit(w => WriteMetadata(w, "thread_name", _loop.IsVirtualTime ? "loop (virtual time)" : "loop"));
        long last = 0;
        foreach (var entry in _entries)
        {
            last = entry.Timestamp;
            Emit(w => WriteEntry(w, entry));
            if (entry.Site?.Flows is { } flows)
            {
                foreach (var (id, name) in flows)
                    Emit(w => WriteFlow(w, "s", name, id, entry.Timestamp));
            }
        }
        for (int i = _open.Count - 1; i >= 0; i--)
        {
            var begin = _entries[_open[i]];
            Emit(w => WriteEntry(w, new Entry(begin.Kind, begin.Name, begin.Category, ++last) { IsEnd = true }));
        }
        stream.Write("\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"clock\":"u8);
        stream.Write(_loop.IsVirtualTime ? "\"virtual loop time\""u8 : "\"loop time\""u8);
        stream.Write(",\"timestamps\":\"loop time in microseconds, +1 per event while the clock stands still\"}}\n"u8);
        stream.Flush();
    }

    private static void WriteMetadata(Utf8JsonWriter w, string name, string value)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("ph", "M");
        w.WriteNumber("pid", 1);
        w.WriteNumber("tid", 1);
        w.WriteStartObject("args");
        w.WriteString("name", value);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteFlow(Utf8JsonWriter w, string phase, string name, int id, long ts)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("cat", "flow");
        w.WriteString("ph", phase);
        w.WriteNumber("id", id);
        w.WriteNumber("ts", ts);
        w.WriteNumber("pid", 1);
        w.WriteNumber("tid", 1);
        if (phase == "f")
            w.WriteString("bp", "e");
        w.WriteEndObject();
    }

    private static void WriteEntry(Utf8JsonWriter w, Entry entry)
    {
        if (entry.Kind == EntryKind.FlowEnd)
        {
            WriteFlow(w, "f", entry.Name, entry.FlowId, entry.Timestamp);
            return;
        }
        w.WriteStartObject();
        w.WriteString("name", entry.Name);
        w.WriteString("cat", entry.Category);
        string phase = entry.Kind switch
        {
            EntryKind.Counter => "C",
            EntryKind.Instant or EntryKind.Anchor => "i",
            _ => entry.IsEnd ? "E" : "B",
        };
        w.WriteString("ph", phase);
        w.WriteNumber("ts", entry.Timestamp);
        w.WriteNumber("pid", 1);
        w.WriteNumber("tid", 1);
        if (phase == "i")
            w.WriteString("s", "t");
        if (entry.Args is { Count: > 0 } args)
        {
            w.WriteStartObject("args");
            foreach (var (key, value) in args)
            {
                switch (value)
                {
                    case int n: w.WriteNumber(key, n); break;
                    case long n: w.WriteNumber(key, n); break;
                    case double d when double.IsFinite(d): w.WriteNumber(key, d); break;
                    default: w.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                }
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    // ---- recording -------------------------------------------------------------------------

    /// <summary>Loop time in microseconds, strictly increasing from one event to the next.</summary>
    private long Stamp()
    {
        long ts = (long)Math.Round(_loop.Time() * 1_000_000.0);
        if (ts <= _lastTimestamp)
            ts = _lastTimestamp + 1;
        _lastTimestamp = ts;
        return ts;
    }

    private long Id(object item)
    {
        // Ids in order of first sight: stable from run to run, unlike hash codes.
        var box = _ids.GetValue(item, _ => new StrongBox<long>(++_nextObjectId));
        return box.Value;
    }

    /// <summary>"task NAME" or "Future N": what a learner can find again elsewhere in the trace.</summary>
    private string Label(Future future) => future is LoopTask task ? "task " + task.Name : "Future " + Id(future);

    private static string Describe(Future future)
    {
        string text = future.ToString();
        return text.Length <= 200 ? text : text[..197] + "...";
    }

    private void Add(Entry entry) => _entries.Add(entry);

    private void Begin(Entry entry)
    {
        _open.Add(_entries.Count);
        _entries.Add(entry);
    }

    private bool IsOpen(EntryKind kind) => _open.Count > 0 && _entries[_open[^1]].Kind == kind;

    private void End(EntryKind kind)
    {
        if (!IsOpen(kind))
            return; // its beginning was not seen
        var begin = _entries[_open[^1]];
        _open.RemoveAt(_open.Count - 1);
        _entries.Add(new Entry(kind, begin.Name, begin.Category, Stamp()) { IsEnd = true });
    }

    private void AddArg(KeyValuePair<string, object> arg) => _entries[_open[^1]].Args!.Add(arg);

    /// <summary>A flow start must sit inside a slice: events before the loop runs get one of their own.</summary>
    private void EnsureEnclosingSlice()
    {
        if (_open.Count > 0)
            return;
        _outsideOpen = true;
        Begin(new Entry(EntryKind.Outside, "outside the loop", "outside", Stamp())
        {
            Args = [new("loop_time", _loop.Time())],
        });
    }

    private void FlowEnd(Site start, string name)
    {
        int id = ++_nextFlowId;
        (start.Flows ??= []).Add((id, name));
        _entries.Add(new Entry(EntryKind.FlowEnd, name, "flow", Stamp()) { FlowId = id });
    }

    private enum EntryKind : byte
    {
        Iteration,
        Callback,
        Outside,
        Instant,
        Anchor,
        Counter,
        FlowEnd,
    }

    /// <summary>Where a flow may start (a completion, an armed timer): its flows are known only when they end.</summary>
    private sealed class Site
    {
        public List<(int Id, string Name)>? Flows;
    }

    private sealed class Entry(EntryKind kind, string name, string category, long timestamp)
    {
        public EntryKind Kind { get; } = kind;
        public string Name { get; } = name;
        public string Category { get; } = category;
        public long Timestamp { get; } = timestamp;
        public bool IsEnd { get; init; }
        public int FlowId { get; init; }
        public Site? Site { get; init; }
        public List<KeyValuePair<string, object>>? Args { get; init; }
    }
}
