using Asyncio.Internal;

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
            ThrowHelper.WriteBufferLimits(h, l);
        if (h > int.MaxValue)
            ThrowHelper.WriteBufferHighTooLarge(h);
        return ((int)h, (int)l);
    }
}
