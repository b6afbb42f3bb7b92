using System.Globalization;
using System.Text;

namespace Asyncio;

public sealed partial class EventLoop
{
    /// <summary>Every pending task, what it waits on and the chain of awaits behind it.</summary>
    /// <remarks>asyncio: no twin in 3.12; asyncio 3.14's <c>capture_call_graph</c> is the nearest.</remarks>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public IReadOnlyList<TaskSnapshot> SnapshotTasks()
    {
        CheckThread(nameof(SnapshotTasks));
        var now = Time();
        var snapshots = new List<TaskSnapshot>(_pendingCount);
        for (var task = _pendingHead; task is not null; task = task._nextPending)
        {
            var chain = new List<string> { task.ToString() };
            var seen = new HashSet<Future>(ReferenceEqualityComparer.Instance) { task };
            Future? next = task.WaitingOn;
            while (next is not null && seen.Add(next))
            {
                chain.Add(Describe(next));
                next = next is LoopTask inner ? inner.WaitingOn : null;
            }
            snapshots.Add(new TaskSnapshot(
                task,
                task.Name,
                task.WaitingOn is null ? null : Describe(task.WaitingOn),
                chain,
                task.SuspendedAt is double since ? now - since : null,
                task.SourceTraceback));
        }
        return snapshots;
    }

    /// <summary>Writes every pending task, what it awaits, for how long (debug mode) and where it was created (debug mode).</summary>
    /// <remarks>asyncio: no twin; <c>Task.print_stack()</c> for every task is the nearest in 3.12.</remarks>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs.</exception>
    public void DumpTasks(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        CheckThread(nameof(DumpTasks));
        output.Write(DescribeTasks());
    }

    private string DescribeTasks()
    {
        var text = new StringBuilder();
        var tasks = SnapshotTasks();
        text.Append(tasks.Count).Append(tasks.Count == 1 ? " pending task" : " pending tasks")
            .Append(" at loop time ").Append(Time().ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        foreach (var snapshot in tasks)
        {
            text.Append("  ").Append(snapshot.Name).Append(": ");
            text.Append(snapshot.WaitingOn is null ? "waits on nothing the loop knows of (a step is queued, or it awaits a .NET Task)" : "waits on " + string.Join(" -> ", snapshot.Chain.Skip(1)));
            if (snapshot.WaitingSeconds is double seconds)
                text.Append(" for ").Append(seconds.ToString("0.###", CultureInfo.InvariantCulture)).Append(" s");
            text.Append('\n');
            if (snapshot.CreatedAt is { } created)
                text.Append("    created at:\n").Append(Indent(created, "      ")).Append('\n');
        }
        return text.ToString();
    }

    private static string Describe(Future future) => future.Owner?.ToString() is { } owner ? owner + " (" + future + ")" : future.ToString();

    private static string Indent(string text, string prefix) =>
        string.Join("\n", text.Split('\n').Select(line => prefix + line.TrimEnd('\r').TrimStart()));

    /// <summary>What <see cref="DeadlockError"/> says: why nothing can happen, then every pending task as <see cref="DumpTasks"/> shows it.</summary>
    private string DescribeDeadlock()
    {
        var text = new StringBuilder();
        text.Append("Deadlock: the loop is on virtual time and nothing is ready, no timer is pending and nothing can arrive from another thread, ")
            .Append("so no task can ever resume.");
        if (_pendingCount == 0)
        {
            text.Append(" No task is pending.");
            return text.ToString();
        }
        text.Append('\n').Append(DescribeTasks().TrimEnd('\n'));
        return text.ToString();
    }
}
