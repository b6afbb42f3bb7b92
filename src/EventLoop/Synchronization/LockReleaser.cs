namespace Asyncio;

/// <summary>Releases a held lock or semaphore when disposed: what <c>using (await x.LockAsync())</c> holds.</summary>
/// <remarks>
/// <para>asyncio: <c>__aexit__</c> of <c>async with lock:</c> (the <c>_ContextManagerMixin</c>), which calls <c>release()</c>.</para>
/// <para>A struct, so taking a free lock this way allocates nothing. Dispose it once: a second
/// <see cref="Dispose"/> releases again, as a second <c>release()</c> would. The default value
/// releases nothing.</para>
/// </remarks>
public readonly struct LockReleaser : IDisposable
{
    private readonly IReleasable? _owner;

    internal LockReleaser(IReleasable owner) => _owner = owner;

    /// <summary>Releases the lock or semaphore: asyncio's <c>__aexit__</c> → <c>release()</c>.</summary>
    public void Dispose() => _owner?.Release();
}

/// <summary>What a <see cref="LockReleaser"/> can release.</summary>
internal interface IReleasable
{
    void Release();
}
