namespace Asyncio.Tests;

/// <summary>Turns bytes counted with <see cref="GC.GetAllocatedBytesForCurrentThread"/> into a cost per object.</summary>
internal static class Allocations
{
    /// <summary>Bytes per object, to the nearest 8 (every object's size is a multiple of 8).</summary>
    /// <remarks>
    /// The tests take the difference of two runs of different sizes, so that what is made once
    /// cancels out. A one-off allocation of the runtime during one of the two runs (a type
    /// loaded, a buffer grown on a loaded machine) still moves the plain quotient by a byte or
    /// so: 271 bytes instead of 272 was seen once. A field added to an object moves this by 8.
    /// </remarks>
    public static long PerObject(long bytes, int objects) => (long)Math.Round(bytes / (double)objects / 8) * 8;
}
