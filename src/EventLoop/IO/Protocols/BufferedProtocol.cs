namespace Asyncio;

/// <summary>A stream protocol that lends the transport its own receive buffer: asyncio's <c>asyncio.BufferedProtocol</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.BufferedProtocol</c>. For each receive the transport asks
/// <see cref="GetBuffer"/> for a buffer, receives into it, then calls <see cref="BufferUpdated"/>
/// with the count; no copy is made. Order as <see cref="Protocol"/>.</para>
/// </remarks>
public abstract class BufferedProtocol : BaseProtocol
{
    /// <summary>The connection is up: asyncio's <c>connection_made(transport)</c>.</summary>
    /// <param name="transport">The transport to write to and close; keep it.</param>
    public virtual void ConnectionMade(Transport transport)
    {
    }

    /// <summary>The buffer for the next receive: asyncio's <c>get_buffer(sizehint)</c>.</summary>
    /// <param name="sizeHint">The size wanted, or -1 when any size will do (asyncio passes -1).</param>
    /// <returns>A non-empty buffer; an empty one is a fatal error of the connection, as in asyncio.</returns>
    public abstract Memory<byte> GetBuffer(int sizeHint);

    /// <summary>The last buffer from <see cref="GetBuffer"/> holds <paramref name="count"/> new bytes at its start: asyncio's <c>buffer_updated(nbytes)</c>.</summary>
    /// <param name="count">How many bytes were received.</param>
    public virtual void BufferUpdated(int count)
    {
    }

    /// <summary>The peer closed its writing side: asyncio's <c>eof_received()</c>.</summary>
    /// <returns><see langword="true"/> to keep the transport open (half-closed); <see langword="false"/> to have it close itself.</returns>
    public virtual bool EofReceived() => false;
}
