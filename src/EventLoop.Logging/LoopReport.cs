using System.Collections;

namespace Asyncio.Logging;

/// <summary>The structured state of a logged loop report: asyncio's context keys as name/value pairs.</summary>
/// <remarks>
/// <para>asyncio: the <c>context</c> dict of the exception handler.</para>
/// <para>Structured loggers read the pairs (<c>Message</c>, <c>Task</c>, <c>Future</c>,
/// <c>Handle</c>, <c>SourceTraceback</c>, and <c>{OriginalFormat}</c>); text loggers use
/// <see cref="ToString"/>, asyncio's report without the exception.</para>
/// </remarks>
public sealed class LoopReport : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _pairs;

    /// <summary>Wraps <paramref name="context"/>.</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public LoopReport(ExceptionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        _pairs =
        [
            new("Message", context.Message),
            new("Task", context.Task?.ToString()),
            new("Future", context.Future?.ToString()),
            new("Handle", context.Handle?.ToString()),
            new("SourceTraceback", context.SourceTraceback),
            new("{OriginalFormat}", "{Message}"),
        ];
    }

    /// <summary>The exception-handler context reported.</summary>
    /// <remarks>asyncio: the <c>context</c> dict.</remarks>
    public ExceptionContext Context { get; }

    /// <summary>The number of pairs.</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public int Count => _pairs.Length;

    /// <summary>The pair at <paramref name="index"/>.</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public KeyValuePair<string, object?> this[int index] => _pairs[index];

    /// <summary>Enumerates the pairs.</summary>
    /// <remarks>asyncio: no twin.</remarks>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>asyncio's report (message, then future, handle, task and where it was created), without the exception.</summary>
    /// <remarks>asyncio: what <c>default_exception_handler</c> logs, less <c>exc_info</c>.</remarks>
    public override string ToString()
    {
        var context = Context;
        var lines = new List<string> { context.Message };
        if (context.Future is not null) lines.Add("future: " + context.Future);
        if (context.Handle is not null) lines.Add("handle: " + context.Handle);
        if (context.Task is not null) lines.Add("task: " + context.Task);
        if (context.SourceTraceback is not null) lines.Add("Object created at (most recent call last):" + Environment.NewLine + context.SourceTraceback);
        return string.Join(Environment.NewLine, lines);
    }
}
