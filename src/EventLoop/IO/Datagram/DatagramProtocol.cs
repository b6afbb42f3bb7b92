using System.Net;

namespace Asyncio;

/// <summary>A datagram (UDP) protocol: asyncio's <c>asyncio.DatagramProtocol</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.DatagramProtocol</c>. On the loop thread: <see cref="ConnectionMade"/>
/// once, first; then <see cref="DatagramReceived"/> and <see cref="ErrorReceived"/> as datagrams
/// and errors come; <see cref="BaseProtocol.ConnectionLost"/> exactly once, last.</para>
/// <para>Differs from asyncio: the datagram is a <see cref="ReadOnlySpan{T}"/> valid during the
/// call only (see <see cref="Protocol"/> for why); the address is an <see cref="EndPoint"/>
/// (an <see cref="IPEndPoint"/>) instead of a <c>(host, port)</c> tuple.</para>
/// </remarks>
public abstract class DatagramProtocol : BaseProtocol
{
    /// <summary>The endpoint is ready: asyncio's <c>connection_made(transport)</c>.</summary>
    /// <param name="transport">The transport to send with and close; keep it.</param>
    public virtual void ConnectionMade(DatagramTransport transport)
    {
    }

    /// <summary>A datagram arrived: asyncio's <c>datagram_received(data, addr)</c>.</summary>
    /// <param name="data">The datagram, valid during this call only.</param>
    /// <param name="address">The sender.</param>
    public virtual void DatagramReceived(ReadOnlySpan<byte> data, EndPoint address)
    {
    }

    /// <summary>A send or receive failed; the endpoint stays open: asyncio's <c>error_received(exc)</c>.</summary>
    /// <remarks>A <see cref="System.Net.Sockets.SocketException"/>: <c>ConnectionRefused</c> when a connected endpoint's peer port is closed (the ICMP "port unreachable" that asyncio sees as <c>ConnectionRefusedError</c>).</remarks>
    /// <param name="exception">The error.</param>
    public virtual void ErrorReceived(Exception exception)
    {
    }
}
