namespace Asyncio;

/// <summary>The callbacks every protocol has: asyncio's <c>asyncio.BaseProtocol</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.BaseProtocol</c>. Every method is a virtual no-op: override what
/// you need. The transport calls them on the loop thread only, never concurrently, in
/// asyncio's order: <c>ConnectionMade</c> first, <see cref="ConnectionLost"/> exactly once and last.</para>
/// </remarks>
public abstract class BaseProtocol
{
    /// <summary>The connection is closed or lost: asyncio's <c>connection_lost(exc)</c>.</summary>
    /// <param name="exception"><see langword="null"/> for a regular close or EOF; otherwise what broke it (a <see cref="System.Net.Sockets.SocketException"/> with <c>ConnectionReset</c> for a reset peer).</param>
    public virtual void ConnectionLost(Exception? exception)
    {
    }

    /// <summary>The transport's write buffer went over its high-water mark: asyncio's <c>pause_writing()</c>.</summary>
    /// <remarks>Called once per crossing, inside the <c>Write</c> that crossed it; <see cref="ResumeWriting"/> follows when the buffer drains to the low-water mark.</remarks>
    public virtual void PauseWriting()
    {
    }

    /// <summary>The transport's write buffer drained to its low-water mark: asyncio's <c>resume_writing()</c>.</summary>
    public virtual void ResumeWriting()
    {
    }
}
