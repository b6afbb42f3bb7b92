using System.Runtime.CompilerServices;

namespace Asyncio.Internal;

/// <summary>Where handles, Futures and tasks were created, in debug mode only.</summary>
/// <remarks>
/// A side table rather than a field: a field would cost 8 bytes in every Handle and Future on
/// the hot path for a feature that is off by default.
/// </remarks>
internal static class SourceTracebacks
{
    private static readonly ConditionalWeakTable<object, string> s_table = new();

    public static void Capture(object owner) => s_table.AddOrUpdate(owner, EventLoop.CaptureSource());

    public static string? Of(object owner) => s_table.TryGetValue(owner, out var source) ? source : null;
}
