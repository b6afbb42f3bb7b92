using System.Globalization;

namespace Asyncio.Internal;

/// <summary>Python-like reprs for ToString() and error messages.</summary>
internal static class Naming
{
    /// <summary>A delegate as asyncio's callback source: the method name and <c>()</c>.</summary>
    public static string DescribeDelegate(Delegate d)
    {
        var m = d.Method;
        string name = m.Name;
        // Lambdas compile to "<Outer>b__0_0": show the enclosing method, as Python shows "<lambda>".
        if (name.StartsWith('<'))
        {
            // "<Main>b__0_0" → "Main.<lambda>"; a lambda in a field initializer → "Type.<lambda>".
            int end = name.IndexOf('>');
            string outer = end > 1 ? name[1..end] : "";
            if (outer is "" or ".cctor" or ".ctor")
                outer = m.DeclaringType?.DeclaringType?.Name ?? m.DeclaringType?.Name ?? "";
            name = outer.Length > 0 ? outer + ".<lambda>" : "<lambda>";
        }
        return name + "()";
    }

    /// <summary>The name of the async method a compiler-made state machine type runs: <c>Child</c> for <c>&lt;Child&gt;d__3</c>.</summary>
    /// <remarks>A local function (<c>&lt;&lt;Main&gt;g__Child|0_0&gt;d</c>) shows as <c>Child</c>, a lambda as <c>Main.&lt;lambda&gt;</c>.</remarks>
    public static string AsyncMethodName(Type stateMachine)
    {
        string name = stateMachine.Name;
        int end = name.LastIndexOf('>');
        if (!name.StartsWith('<') || end < 1)
            return name;
        string inner = name[1..end];
        int local = inner.IndexOf(">g__", StringComparison.Ordinal);
        if (local >= 0)
        {
            int bar = inner.IndexOf('|', local);
            return bar > local ? inner[(local + 4)..bar] : inner[(local + 4)..];
        }
        int lambda = inner.IndexOf(">b__", StringComparison.Ordinal);
        if (lambda > 0 && inner.StartsWith('<'))
            return inner[1..lambda] + ".<lambda>";
        return inner;
    }

    /// <summary>A value as Python's <c>repr()</c> would show it, for the common types.</summary>
    public static string Repr(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'",
        double d => Float(d),
        float f => Float(f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        Exception e => ExceptionRepr(e),
        ExceptionContext context => context.Repr(),
        // A list or array as Python's list repr: [1, 2].
        System.Collections.IEnumerable items and (Array or System.Collections.IList) =>
            "[" + string.Join(", ", items.Cast<object?>().Select(Repr)) + "]",
        _ => value.ToString() ?? value.GetType().Name,
    };

    /// <summary>A float as Python's <c>repr(float)</c>: shortest round-trip digits, with <c>.0</c> when whole.</summary>
    public static string Float(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        string s = d.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') ? s : s + ".0";
    }

    /// <summary>An exception as <c>repr(exc)</c>: <c>TypeName('message')</c>.</summary>
    public static string ExceptionRepr(Exception e)
    {
        string name = e.GetType().Name;
        string? message = e is CancelledError ce ? ce.CancelMessage : e.Message;
        return string.IsNullOrEmpty(message) ? name + "()" : name + "(" + Repr(message) + ")";
    }
}
