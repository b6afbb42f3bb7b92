using System.Collections;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>What the loop tells its exception handler: asyncio's exception-handler <c>context</c> dict.</summary>
/// <remarks>
/// <para>asyncio: the <c>context</c> argument of <c>loop.call_exception_handler(context)</c>. The keys
/// asyncio itself uses (<c>message</c>, <c>exception</c>, <c>future</c>, <c>task</c>, <c>handle</c>,
/// <c>source_traceback</c>) are typed properties; any other key is read and written through the
/// indexer, <c>context["foo"] = 1</c>, and listed by <see cref="Keys"/> in insertion order after
/// the ones asyncio sets.</para>
/// <para>Enumerating it yields every key with its value, as iterating <c>context.items()</c>.</para>
/// </remarks>
public sealed class ExceptionContext : IEnumerable<KeyValuePair<string, object?>>
{
    // The keys beyond asyncio's own, in insertion order. Rare (a handler or a user's report adds
    // them), so allocated on first use.
    private List<KeyValuePair<string, object?>>? _extra;

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

    /// <summary>The value of <paramref name="key"/>: asyncio's <c>context[key]</c> and <c>context[key] = value</c>.</summary>
    /// <remarks>
    /// <para>asyncio: the context is a plain dict. Reading a key that is not there throws
    /// <see cref="KeyNotFoundException"/> (Python's <c>KeyError</c>).</para>
    /// <para>Differs from asyncio: asyncio's own keys are read-only here (set them when making
    /// the context); writing one throws <see cref="InvalidOperationException"/>.</para>
    /// </remarks>
    public object? this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(Naming.Repr(key));
        set
        {
            ArgumentNullException.ThrowIfNull(key);
            if (IsOwnKey(key))
                throw new InvalidOperationException($"The context key {Naming.Repr(key)} is set when the context is made.");
            var extra = _extra ??= new List<KeyValuePair<string, object?>>(2);
            int index = extra.FindIndex(pair => pair.Key == key);
            if (index >= 0)
                extra[index] = new(key, value); // a dict keeps a key's first position
            else
                extra.Add(new(key, value));
        }
    }

    /// <summary>Whether the context has <paramref name="key"/>: asyncio's <c>key in context</c>.</summary>
    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <summary>The value of <paramref name="key"/>, if present: asyncio's <c>context.get(key)</c>.</summary>
    public bool TryGetValue(string key, out object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        value = key switch
        {
            "message" => Message,
            "exception" => Exception,
            "future" => Future,
            "task" => Task,
            "handle" => Handle,
            "source_traceback" => SourceTraceback,
            _ => null,
        };
        if (IsOwnKey(key))
            return value is not null;
        if (_extra is { } extra)
        {
            foreach (var pair in extra)
            {
                if (pair.Key == key)
                {
                    value = pair.Value;
                    return true;
                }
            }
        }
        return false;
    }

    private static bool IsOwnKey(string key) =>
        key is "message" or "exception" or "future" or "task" or "handle" or "source_traceback";

    /// <summary>The keys the context has: asyncio's own in the order asyncio sets them, then the others in insertion order.</summary>
    public IReadOnlyList<string> Keys
    {
        get
        {
            var keys = new List<string>(5 + (_extra?.Count ?? 0)) { "message" };
            if (Exception is not null) keys.Add("exception");
            if (Future is not null) keys.Add("future");
            if (Task is not null) keys.Add("task");
            if (Handle is not null) keys.Add("handle");
            if (SourceTraceback is not null) keys.Add("source_traceback");
            if (_extra is { } extra)
            {
                foreach (var pair in extra)
                    keys.Add(pair.Key);
            }
            return keys;
        }
    }

    /// <summary>Every key with its value, in the order of <see cref="Keys"/>.</summary>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        foreach (string key in Keys)
        {
            TryGetValue(key, out var value);
            yield return new(key, value);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The text asyncio's default handler logs: the message (or "Unhandled exception in event loop"), then each other key sorted, as <c>key: repr(value)</c>.</summary>
    /// <remarks>asyncio: <c>BaseEventLoop.default_exception_handler</c>'s <c>log_lines</c>; the exception's traceback follows it in <see cref="ToString"/>.</remarks>
    internal string LogMessage
    {
        get
        {
            var lines = new List<string> { Message.Length > 0 ? Message : "Unhandled exception in event loop" };
            foreach (string key in Keys.Where(k => k is not "message" and not "exception").Order(StringComparer.Ordinal))
            {
                TryGetValue(key, out var value);
                lines.Add(key == "source_traceback"
                    ? "Object created at (most recent call last):" + Environment.NewLine + value
                    : key + ": " + Naming.Repr(value));
            }
            return string.Join(Environment.NewLine, lines);
        }
    }

    /// <summary>The context as Python's <c>repr(dict)</c>: <c>{'message': 'm', 'foo': 1}</c>.</summary>
    internal string Repr() =>
        "{" + string.Join(", ", this.Select(pair => Naming.Repr(pair.Key) + ": " + Naming.Repr(pair.Value))) + "}";

    /// <summary>The report asyncio's default handler logs: <see cref="LogMessage"/>, then the exception.</summary>
    public override string ToString() =>
        Exception is null ? LogMessage : LogMessage + Environment.NewLine + Exception;
}
