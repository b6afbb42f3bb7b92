namespace Asyncio;

/// <summary>A stream protocol (TCP, Unix socket): asyncio's <c>asyncio.Protocol</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.Protocol</c>. The transport calls, on the loop thread:
/// <see cref="ConnectionMade"/> once, before anything else; <see cref="DataReceived"/> for each
/// chunk received; <see cref="EofReceived"/> at most once, when the peer closed its side;
/// <see cref="BaseProtocol.ConnectionLost"/> exactly once, last.</para>
/// <para>Differs from asyncio: the data is a <see cref="ReadOnlySpan{T}"/> over the transport's
/// receive buffer, valid during the call only (copy what you keep). asyncio hands over a fresh
/// <c>bytes</c> object per call; a span costs no allocation, and the type system stops a
/// protocol from keeping a view into a buffer the transport reuses, which a
/// <see cref="ReadOnlyMemory{T}"/> would allow.</para>
/// </remarks>
public abstract class Protocol : BaseProtocol
{
    /// <summary>The connection is up: asyncio's <c>connection_made(transport)</c>.</summary>
    /// <param name="transport">The transport to write to and close; keep it.</param>
    public virtual void ConnectionMade(Transport transport)
    {
    }

    /// <summary>Bytes arrived: asyncio's <c>data_received(data)</c>.</summary>
    /// <param name="data">The bytes, valid during this call only.</param>
    public virtual void DataReceived(ReadOnlySpan<byte> data)
    {
    }

    /// <summary>The peer closed its writing side: asyncio's <c>eof_received()</c>.</summary>
    /// <returns><see langword="true"/> to keep the transport open (half-closed: writing still works); <see langword="false"/> (the default) to have it close itself.</returns>
    public virtual bool EofReceived() => false;
}
