using System.Text.Json;

namespace Asyncio.Tests.Diagnostics;

public class ChromeTraceRecorderTests : LoopTest
{
    private string Record(int seed)
    {
        var loop = NewLoop();
        var trace = ChromeTraceRecorder.Attach(loop);
        RandomWorkload.Run(loop, seed);
        return trace.ToJson();
    }

    private static JsonElement[] Events(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("traceEvents").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    [Fact]
    public void WriteTo_VirtualTime_TwoRunsAreByteIdentical()
    {
        string first = Record(11);
        string second = Record(11);

        Assert.True(first.Length > 10_000);
        Assert.Equal(first, second);
    }

    [Fact]
    public void WriteTo_IsValidJsonInChromeObjectFormat()
    {
        using var document = JsonDocument.Parse(Record(3));
        var root = document.RootElement;
        Assert.Equal("ms", root.GetProperty("displayTimeUnit").GetString());
        foreach (var e in root.GetProperty("traceEvents").EnumerateArray())
        {
            Assert.Contains(e.GetProperty("ph").GetString(), new[] { "M", "B", "E", "i", "C", "s", "f" });
            Assert.Equal(1, e.GetProperty("pid").GetInt32());
            Assert.Equal(1, e.GetProperty("tid").GetInt32());
            Assert.False(string.IsNullOrEmpty(e.GetProperty("name").GetString()));
            if (e.GetProperty("ph").GetString() != "M")
                Assert.True(e.GetProperty("ts").GetInt64() >= 0);
        }
    }

    [Fact]
    public void WriteTo_SlicesAreBalancedNestedAndOrdered()
    {
        var events = Events(Record(5));
        var stack = new Stack<(string Name, string Cat)>();
        long last = long.MinValue;
        int iterations = 0, steps = 0;
        foreach (var e in events.Where(e => e.GetProperty("ph").GetString() != "M"))
        {
            long ts = e.GetProperty("ts").GetInt64();
            Assert.True(ts >= last, "timestamps never go back");
            last = ts;
            string name = e.GetProperty("name").GetString()!;
            string cat = e.GetProperty("cat").GetString()!;
            switch (e.GetProperty("ph").GetString())
            {
                case "B":
                    if (cat == "iteration")
                    {
                        Assert.Empty(stack); // iterations are top-level
                        iterations++;
                    }
                    else if (cat is "task" or "timer" or "callback")
                    {
                        Assert.Equal("iteration", Assert.Single(stack).Cat); // callbacks sit right inside an iteration
                        if (cat == "task")
                            steps++;
                    }
                    stack.Push((name, cat));
                    break;
                case "E":
                    var open = stack.Pop();
                    Assert.Equal((open.Name, open.Cat), (name, cat));
                    break;
                case "s" or "f" or "i":
                    Assert.NotEmpty(stack); // flows and instants bind to an enclosing slice
                    break;
            }
        }
        Assert.Empty(stack);
        Assert.True(iterations > 10);
        Assert.True(steps > 10);
    }

    [Fact]
    public void WriteTo_EveryFlowStartHasOneEndAfterIt()
    {
        var events = Events(Record(8));
        var starts = new Dictionary<long, (int Index, string Name)>();
        var ends = new Dictionary<long, (int Index, string Name)>();
        for (int i = 0; i < events.Length; i++)
        {
            var e = events[i];
            string ph = e.GetProperty("ph").GetString()!;
            if (ph is not ("s" or "f"))
                continue;
            long id = e.GetProperty("id").GetInt64();
            var target = ph == "s" ? starts : ends;
            Assert.True(target.TryAdd(id, (i, e.GetProperty("name").GetString()!)), $"flow {id} has one {ph}");
            if (ph == "f")
                Assert.Equal("e", e.GetProperty("bp").GetString());
        }
        Assert.NotEmpty(starts);
        Assert.Equal(starts.Keys.Order(), ends.Keys.Order());
        foreach (var (id, start) in starts)
        {
            Assert.True(events[ends[id].Index].GetProperty("ts").GetInt64() > events[start.Index].GetProperty("ts").GetInt64());
            Assert.Equal(start.Name, ends[id].Name);
        }
        Assert.Contains(starts.Values, s => s.Name == "wake-up");
        Assert.Contains(starts.Values, s => s.Name == "timer");
    }

    [Fact]
    public void Trace_SleepingTask_ShowsStepsFlowsAndCounters()
    {
        var loop = NewLoop();
        var trace = ChromeTraceRecorder.Attach(loop);
        loop.RunUntilComplete(loop.CreateTask(async () => { await loop.Sleep(1); return 5; }, "sleeper"));

        var events = Events(trace.ToJson());
        string Summary(JsonElement e) => e.GetProperty("ph").GetString() + " " + e.GetProperty("name").GetString();
        var lines = events.Where(e => e.GetProperty("ph").GetString() is not ("M" or "C")).Select(Summary).ToList();
        Assert.Equal(
        [
            "B outside the loop", "i task created", "E outside the loop",
            "B iteration 1", "B sleeper", "i timer armed", "s timer", "E sleeper", "E iteration 1",
            "B iteration 2", "B <TimerHandle when=1 SetResultUnlessCancelled(<Future pending>)>", "f timer", "i completed Future 3",
            "s wake-up", "E <TimerHandle when=1 SetResultUnlessCancelled(<Future pending>)>", "E iteration 2",
            "B iteration 3", "B sleeper", "f wake-up", "i completed task sleeper", "E sleeper", "E iteration 3",
            "B iteration 4", "B _run_until_complete_cb(<LoopTask finished name='sleeper' result=5>)",
            "E _run_until_complete_cb(<LoopTask finished name='sleeper' result=5>)", "E iteration 4",
        ], lines);
        Assert.Equal(4, trace.Iterations);

        var secondIteration = events.First(e => Summary(e) == "B iteration 2");
        Assert.Equal(1.0, secondIteration.GetProperty("args").GetProperty("loop_time").GetDouble());
        Assert.True(secondIteration.GetProperty("ts").GetInt64() >= 1_000_000);
        var counters = events.Where(e => e.GetProperty("ph").GetString() == "C").Select(e => e.GetProperty("name").GetString()).Distinct();
        Assert.Equal(["ready queue", "timers"], counters);
        var resumed = events.Last(e => Summary(e) == "B sleeper").GetProperty("args");
        Assert.Equal("Future 3 <Future finished result=None>", resumed.GetProperty("resumed_by").GetString());
        Assert.Equal("done", resumed.GetProperty("finished").GetString());
    }

    [Fact]
    public void Trace_CancelledTimer_LeavesNoDanglingFlow()
    {
        var loop = NewLoop();
        var trace = ChromeTraceRecorder.Attach(loop);
        loop.RunUntilComplete(async () =>
        {
            var timer = loop.CallLater(1, () => { });
            await loop.Sleep(0.5);
            timer.Cancel();
        });

        var events = Events(trace.ToJson());
        Assert.Equal(2, events.Count(e => e.GetProperty("name").GetString() == "timer armed"));
        // Only the sleep's timer fired: one timer flow, and none for the cancelled one.
        Assert.Equal(1, events.Count(e => e.GetProperty("ph").GetString() == "s" && e.GetProperty("name").GetString() == "timer"));
        Assert.Equal(1, events.Count(e => e.GetProperty("ph").GetString() == "f" && e.GetProperty("name").GetString() == "timer"));
    }

    [Fact]
    public void Attach_MidIteration_IgnoresEndsItDidNotSeeBegin()
    {
        var loop = NewLoop();
        ChromeTraceRecorder? trace = null;
        loop.RunUntilComplete(async () =>
        {
            trace = ChromeTraceRecorder.Attach(loop);
            await loop.Sleep(0.1);
        });

        var events = Events(trace!.ToJson());
        int depth = 0;
        foreach (var e in events)
        {
            depth += e.GetProperty("ph").GetString() switch { "B" => 1, "E" => -1, _ => 0 };
            Assert.True(depth >= 0);
        }
        Assert.Equal(0, depth);
    }

    [Fact]
    public void WriteTo_Path_WritesTheSameBytesAsToJson()
    {
        var loop = NewLoop();
        var trace = ChromeTraceRecorder.Attach(loop);
        loop.RunUntilComplete(async () => await loop.Sleep(0.25));
        string path = Path.Combine(Path.GetTempPath(), $"trace-{Guid.NewGuid():N}.json");
        try
        {
            trace.WriteTo(path);
            Assert.Equal(trace.ToJson(), File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
