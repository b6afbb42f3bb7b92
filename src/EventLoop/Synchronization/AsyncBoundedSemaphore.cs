using System.Threading;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>A semaphore that refuses to be released above its initial value: asyncio's <c>BoundedSemaphore</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.BoundedSemaphore(value=1)</c>.</para>
/// <para>Differs from asyncio: a release too many throws <see cref="SemaphoreFullException"/>
/// (the BCL's error for exactly this) where asyncio raises <c>ValueError</c>; the message is
/// asyncio's, "BoundedSemaphore released too many times".</para>
/// </remarks>
public sealed class AsyncBoundedSemaphore : AsyncSemaphore
{
    private readonly int _boundValue;

    /// <summary>Creates a bounded semaphore with <paramref name="value"/> permits: asyncio's <c>BoundedSemaphore(value=1)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is negative.</exception>
    public AsyncBoundedSemaphore(int value = 1) : base(value) => _boundValue = value;

    /// <summary>Gives a permit back; throws when that would exceed the initial value: asyncio's <c>BoundedSemaphore.release()</c>.</summary>
    /// <exception cref="SemaphoreFullException">"BoundedSemaphore released too many times".</exception>
    public override void Release()
    {
        CheckThread(nameof(Release));
        if (Value >= _boundValue)
            ThrowHelper.BoundedSemaphoreReleasedTooManyTimes();
        base.Release();
    }

    private protected override string DisplayName => "AsyncBoundedSemaphore";
}
