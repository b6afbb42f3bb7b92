namespace Asyncio;

/// <summary>What the loop tells its exception handler: asyncio's exception-handler <c>context</c> dict.</summary>
/// <remarks>
/// asyncio: the <c>context</c> argument of <c>loop.call_exception_handler(context)</c>, with the
/// keys <c>message</c>, <c>exception</c>, <c>future</c>, <c>task</c> and <c>handle</c> as properties.
/// </remarks>
public sealed class ExceptionContext
{
    /// <summary>Creates a context with its message.</summary>
    public ExceptionContext(string message)
    {
        Message = message ?? throw new ArgumentNullException(nameof(message));
    }

    /// <summary>What happened: asyncio's <c>context['message']</c>.</summary>
    public string Message { get; }

    /// <summary>The exception, if any: <c>context['exception']</c>.</summary>
    public Exception? Exception { get; init; }

    /// <summary>The Future concerned, if any: <c>context['future']</c>.</summary>
    public Future? Future { get; init; }

    /// <summary>The task concerned, if any: <c>context['task']</c>.</summary>
    public LoopTask? Task { get; init; }

    /// <summary>The callback's handle, if any: <c>context['handle']</c>.</summary>
    public Handle? Handle { get; init; }

    /// <summary>Where the object concerned was created, in debug mode: <c>context['source_traceback']</c>.</summary>
    public string? SourceTraceback { get; init; }

    /// <summary>The names of the keys asyncio's dict would have, in asyncio's order.</summary>
    public IReadOnlyList<string> Keys
    {
        get
        {
            var keys = new List<string>(5) { "message" };
            if (Exception is not null) keys.Add("exception");
            if (Future is not null) keys.Add("future");
            if (Task is not null) keys.Add("task");
            if (Handle is not null) keys.Add("handle");
            if (SourceTraceback is not null) keys.Add("source_traceback");
            return keys;
        }
    }

    /// <summary>The report asyncio's default handler logs: the message, the other keys sorted, then the exception.</summary>
    public override string ToString()
    {
        var lines = new List<string> { Message };
        if (Future is not null) lines.Add("future: " + Future);
        if (Handle is not null) lines.Add("handle: " + Handle);
        if (Task is not null) lines.Add("task: " + Task);
        if (SourceTraceback is not null) lines.Add("Object created at (most recent call last):" + Environment.NewLine + SourceTraceback);
        if (Exception is not null) lines.Add(Exception.ToString());
        return string.Join(Environment.NewLine, lines);
    }
}
