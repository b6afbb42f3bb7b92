using System.Globalization;

namespace Asyncio.Internal;

/// <summary>Python-like reprs for ToString() and error messages.</summary>
internal static class Naming
{
    /// <summary>A delegate as asyncio's callback source: its qualified name and <c>()</c>.</summary>
    public static string DescribeDelegate(Delegate d) => QualifiedName(d.Method) + "()";

    /// <summary>A delegate called with <paramref name="argument"/>, as asyncio shows a handle's callback: <c>on_done(&lt;Future finished result=None&gt;)</c>.</summary>
    public static string DescribeCall(Delegate d, object? argument) => QualifiedName(d.Method) + "(" + Repr(argument) + ")";

    /// <summary>A method's name as Python's <c>__qualname__</c> would read for its twin.</summary>
    /// <remarks>
    /// The compiler names a local function <c>&lt;Main&gt;g__cb|0_0</c> and a lambda
    /// <c>&lt;Main&gt;b__0_0</c>; Python's twins are <c>Main.&lt;locals&gt;.cb</c> and
    /// <c>Main.&lt;locals&gt;.&lt;lambda&gt;</c>. Top-level statements (<c>&lt;Main&gt;$</c>) are
    /// Python's module level: <c>cb</c>, <c>&lt;lambda&gt;</c>. A method keeps its plain name, as a
    /// module-level function would.
    /// </remarks>
    public static string QualifiedName(System.Reflection.MethodBase m)
    {
        string name = m.Name;
        int close = name.StartsWith('<') ? MatchingClose(name) : -1;
        if (close < 0)
            return name;
        string outer = name[1..close];
        string local = LocalName(name[(close + 1)..]);
        if (outer is "" or ".cctor" or ".ctor")
        {
            // A lambda in a field initializer or a constructor: its type is the scope, as a
            // lambda in a Python class body reads Type.<lambda>.
            var type = m.DeclaringType;
            while (type is not null && type.Name.StartsWith('<'))
                type = type.DeclaringType;
            return type is null ? local : type.Name + "." + local;
        }
        return InScope(outer, local);
    }

    /// <summary>A type's name without its generic arity or the types it is nested in: <c>ShieldLink</c> for <c>EventLoop+ShieldLink`1</c>.</summary>
    public static string TypeName(Type type)
    {
        string name = type.Name;
        int tick = name.IndexOf('`');
        return tick < 0 ? name : name[..tick];
    }

    /// <summary>The name of the async method a compiler-made state machine type runs: <c>Child</c> for <c>&lt;Child&gt;d__3</c>.</summary>
    /// <remarks>A local function (<c>&lt;&lt;Main&gt;g__Child|0_0&gt;d</c>) shows as <c>Main.&lt;locals&gt;.Child</c>, a lambda as <c>Main.&lt;locals&gt;.&lt;lambda&gt;</c>.</remarks>
    public static string AsyncMethodName(Type stateMachine)
    {
        string name = stateMachine.Name;
        int close = name.StartsWith('<') ? MatchingClose(name) : -1;
        if (close < 1)
            return name;
        string inner = name[1..close];
        int innerClose = inner.StartsWith('<') ? MatchingClose(inner) : -1;
        if (innerClose < 0)
            return inner; // an ordinary async method: <Child>d__3
        return InScope(inner[1..innerClose], LocalName(inner[(innerClose + 1)..]));
    }

    // The index of the '>' that closes the '<' at index 0 (compiler names nest: <<Main>$>g__cb|0_0).
    private static int MatchingClose(string name)
    {
        int depth = 0;
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] == '<')
                depth++;
            else if (name[i] == '>' && --depth == 0)
                return i;
        }
        return -1;
    }

    // "g__cb|0_0" -> "cb" (a local function); anything else, "b__0_0", is a lambda.
    private static string LocalName(string rest)
    {
        if (!rest.StartsWith("g__", StringComparison.Ordinal))
            return "<lambda>";
        int bar = rest.IndexOf('|');
        return bar > 3 ? rest[3..bar] : rest[3..];
    }

    // Top-level statements (<Main>$) are Python's module level: no scope in front.
    private static string InScope(string outer, string local) =>
        outer == "<Main>$" ? local : outer + ".<locals>." + local;

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
