namespace Asyncio;

/// <summary>The stream ended before the requested bytes arrived: asyncio's <c>IncompleteReadError</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.IncompleteReadError</c>, an <c>EOFError</c>; here an
/// <see cref="EndOfStreamException"/>. Thrown by <see cref="LoopStreamReader.ReadExactlyAsync"/>
/// and <see cref="LoopStreamReader.ReadUntilAsync(byte[], CancellationToken)"/>.</para>
/// </remarks>
public class IncompleteReadError : EndOfStreamException
{
    /// <summary>Creates the error with the bytes read before the end and the count expected (<see langword="null"/>: until a separator).</summary>
    public IncompleteReadError(byte[] partial, int? expected)
        : base($"{partial.Length} bytes read on a total of {(expected is null ? "undefined" : expected.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))} expected bytes")
    {
        Partial = partial;
        Expected = expected;
    }

    /// <summary>The bytes read before the stream ended: asyncio's <c>partial</c>.</summary>
    public byte[] Partial { get; }

    /// <summary>How many bytes were expected, or <see langword="null"/> when reading up to a separator: asyncio's <c>expected</c>.</summary>
    public int? Expected { get; }
}
