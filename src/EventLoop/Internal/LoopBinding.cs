using System.Diagnostics.CodeAnalysis;

namespace Asyncio.Internal;

/// <summary>Binds a synchronisation primitive to the loop that first makes it wait: asyncio's <c>mixins._LoopBoundMixin</c>.</summary>
internal static class LoopBinding
{
    /// <summary>asyncio's <c>_get_loop()</c>: the running loop, which becomes the owner's loop on first use; another loop is an error.</summary>
    public static EventLoop Get(ref EventLoop? bound, object owner) =>
        TryGet(ref bound, owner, out var loop, out var error) ? loop : throw error;

    /// <summary>Like <see cref="Get"/>, but hands the error back, for a wait that reports it at its <c>await</c> (as the coroutine it is in asyncio would).</summary>
    public static bool TryGet(ref EventLoop? bound, object owner, [NotNullWhen(true)] out EventLoop? loop, [NotNullWhen(false)] out Exception? error)
    {
        var running = EventLoop.RunningLoop;
        loop = null;
        if (running is null)
        {
            error = ThrowHelper.NoRunningLoopForWaitError(owner);
            return false;
        }
        bound ??= running;
        if (!ReferenceEquals(bound, running))
        {
            error = ThrowHelper.BoundToOtherLoopError(owner);
            return false;
        }
        loop = running;
        error = null;
        return true;
    }

    /// <summary>Binds to <paramref name="loop"/> explicitly (used by adapters made before the loop runs).</summary>
    public static void BindTo(ref EventLoop? bound, EventLoop loop, object owner)
    {
        bound ??= loop;
        if (!ReferenceEquals(bound, loop))
            throw ThrowHelper.BoundToOtherLoopError(owner);
    }
}
