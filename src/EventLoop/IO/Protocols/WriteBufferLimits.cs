using Asyncio.Internal;
using System.Buffers;
using System.Runtime.CompilerServices;

namespace Asyncio;

/// <summary>asyncio's <c>_set_write_buffer_limits</c>: the defaults and the check shared by every transport with flow control, and the pooled write buffer they limit.</summary>
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

    /// <summary>asyncio's <c>self._buffer.extend(data)</c> over a pooled array: grows to at least twice its size (4 KiB first) and gives the old array back to the pool.</summary>
    // On every Write of both transports: inlined, so that sharing it costs the hot path no call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Append(ref byte[] buffer, ref int count, ReadOnlySpan<byte> data)
    {
        if (count + data.Length > buffer.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(count + data.Length, Math.Max(buffer.Length * 2, 4096)));
            Buffer.BlockCopy(buffer, 0, grown, 0, count);
            if (buffer.Length > 0)
                ArrayPool<byte>.Shared.Return(buffer);
            buffer = grown;
        }
        data.CopyTo(buffer.AsSpan(count));
        count += data.Length;
    }
}
