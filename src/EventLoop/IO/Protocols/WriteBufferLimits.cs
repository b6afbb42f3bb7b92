namespace Asyncio;

/// <summary>asyncio's <c>_set_write_buffer_limits</c>: the defaults and the check shared by every transport with flow control.</summary>
internal static class WriteBufferLimits
{
    public static (int High, int Low) Compute(int? high, int? low)
    {
        // high defaults to 64 KiB, or 4 * low; low to high / 4. In long: 4 * low overflows an int.
        long h = high ?? (low is null ? 64 * 1024 : 4L * low.Value);
        long l = low ?? h / 4;
        if (!(h >= l && l >= 0))
            throw new ArgumentException($"high ({h}) must be >= low ({l}) must be >= 0");
        if (h > int.MaxValue)
            throw new ArgumentException($"high ({h}) must be <= {int.MaxValue}; give high explicitly with a low this large");
        return ((int)h, (int)l);
    }
}
