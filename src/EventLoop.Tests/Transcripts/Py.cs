using System.Collections;
using System.Runtime.CompilerServices;
using System.Globalization;

namespace Asyncio.Tests.Transcripts;

/// <summary>Python's <c>print</c>, <c>str</c> and <c>repr</c>, so that a C# twin prints what CPython prints.</summary>
public static class Py
{
    /// <summary>Python's <c>print(*args)</c>: the <c>str()</c> of each argument, separated by spaces.</summary>
    public static void Print(this TextWriter output, params object?[] args) =>
        output.Write(string.Join(" ", args.Select(Str)) + "\n");

    /// <summary>Python's <c>str(x)</c>.</summary>
    public static string Str(object? value) => value switch
    {
        string s => s,
        Exception e => e is CancelledError c ? c.CancelMessage ?? "" : e.Message,
        _ => Repr(value),
    };

    /// <summary>Python's <c>repr(x)</c> for the types transcripts print.</summary>
    public static string Repr(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'",
        double d => Float(d),
        float f => Float(f),
        int or long or short or byte => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        Exception e => e.GetType().Name + "(" + (Str(e) is { Length: > 0 } m ? Repr(m) : "") + ")",
        ITuple t => Tuple(t),
        IDictionary => throw new NotSupportedException("dict repr"),
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Repr)) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>Python's <c>repr(float)</c>: the shortest round-trip form, always with a dot.</summary>
    public static string Float(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        string s = d.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E'))
        {
            // Python writes 1e-05 where .NET writes 1E-05.
            s = s.Replace("E", "e");
            int e = s.IndexOf('e');
            string exponent = s[(e + 1)..];
            string sign = exponent.StartsWith('-') ? "-" : "+";
            exponent = exponent.TrimStart('+', '-').PadLeft(2, '0');
            return s[..e] + "e" + sign + exponent;
        }
        return s.Contains('.') ? s : s + ".0";
    }

    /// <summary>Python's <c>round(x, n)</c> (banker's rounding, as Python's).</summary>
    public static double Round(double x, int digits) => Math.Round(x, digits, MidpointRounding.ToEven);

    /// <summary>A Python tuple's repr: <c>('a',)</c> for one element.</summary>
    public static string Tuple(ITuple t)
    {
        var items = Enumerable.Range(0, t.Length).Select(i => Repr(t[i])).ToList();
        return items.Count == 1 ? "(" + items[0] + ",)" : "(" + string.Join(", ", items) + ")";
    }

    /// <summary>Python's <c>e.args</c> of an exception: <c>('msg',)</c> or <c>()</c>.</summary>
    public static string Args(Exception e)
    {
        string message = Str(e);
        return message.Length == 0 ? "()" : "(" + Repr(message) + ",)";
    }

    /// <summary>Python's <c>type(e).__name__</c>: the BCL stand-ins print as the Python builtins they replace
    /// (<c>ArgumentException</c> is <c>ValueError</c>, <c>InvalidOperationException</c> is <c>RuntimeError</c>, ...).</summary>
    public static string ExceptionTypeName(Exception e) => e.GetType().Name switch
    {
        "ArgumentException" => "ValueError",
        "InvalidOperationException" => "RuntimeError",
        "TimeoutException" => "TimeoutError",
        "AggregateException" => "ExceptionGroup",
        "KeyNotFoundException" => "KeyError",
        var name => name,
    };

    /// <summary>A sorted list's repr, as Python's <c>sorted(...)</c> printed.</summary>
    public static string Sorted(IEnumerable<string> items) =>
        Repr(items.Order(StringComparer.Ordinal).ToList());
}
