namespace Asyncio.Tests.Transcripts;

/// <summary>Python's <c>repr</c> of exceptions and strings, and <c>ExceptionGroup.message</c>, for twins 61-99.</summary>
public static class PyExtra
{
    /// <summary>Python's <c>repr(e)</c> of an exception, named as the Python type it stands for: <c>ValueError('x')</c>.</summary>
    public static string ExcRepr(Exception e)
    {
        string message = Py.Str(e);
        return PyMore.TypeName(e) + "(" + (message.Length > 0 ? StrRepr(message) : "") + ")";
    }

    /// <summary>Python's <c>repr(s)</c>: single quotes, or double quotes when the text has a single quote and no double quote.</summary>
    public static string StrRepr(string s)
    {
        char quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        string body = s.Replace("\\", "\\\\");
        if (quote == '\'')
            body = body.Replace("'", "\\'");
        return quote + body + quote;
    }

    /// <summary>Python's repr of a list of strings: <c>["KeyError('k')", 'x']</c>.</summary>
    public static string StrList(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(StrRepr)) + "]";

    /// <summary>Python's <c>eg.message</c>: .NET appends each inner message in parentheses to an AggregateException's message; this drops them.</summary>
    public static string GroupMessage(AggregateException e)
    {
        string message = e.Message;
        string suffix = string.Concat(e.InnerExceptions.Select(inner => " (" + inner.Message + ")"));
        return suffix.Length > 0 && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }

    /// <summary>Python's <c>" ".join(str(e).split()[-count:])</c>: the last words of an exception's message.</summary>
    public static string LastWords(Exception e, int count) =>
        string.Join(" ", Py.Str(e).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).TakeLast(count));
}
