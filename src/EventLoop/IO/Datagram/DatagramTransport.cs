using System.Net;

namespace Asyncio;

/// <summary>A datagram (UDP) transport driving a <see cref="DatagramProtocol"/>: asyncio's <c>asyncio.DatagramTransport</c>.</summary>
/// <remarks>asyncio: <c>asyncio.DatagramTransport</c>, as <c>_SelectorDatagramTransport</c> implements it; made by <see cref="DatagramEndpoints.CreateDatagramEndpointAsync"/>.</remarks>
public abstract class DatagramTransport : BaseTransport
{
    private protected DatagramTransport(EventLoop loop) : base(loop)
    {
    }

    /// <summary>Sends one datagram without blocking: asyncio's <c>sendto(data, addr=None)</c>.</summary>
    /// <remarks>
    /// <para>Tries the socket at once; a datagram the socket cannot take now is buffered and sent
    /// in the background. An empty datagram is ignored (as in 3.12). An operating-system error
    /// goes to the protocol's <see cref="DatagramProtocol.ErrorReceived"/>, not to the caller.</para>
    /// <para>On an endpoint made with a remote address, <paramref name="address"/> must be
    /// <see langword="null"/> or that address (<see cref="ArgumentException"/> "Invalid address:
    /// must be None or ..."); otherwise it is required.</para>
    /// </remarks>
    /// <param name="data">The datagram; copied if buffered.</param>
    /// <param name="address">Where to send it.</param>
    public abstract void SendTo(ReadOnlySpan<byte> data, EndPoint? address = null);

    /// <summary>Closes at once, dropping what is buffered: asyncio's <c>abort()</c>.</summary>
    public abstract void Abort();

    /// <summary>The bytes of the datagrams buffered: asyncio's <c>get_write_buffer_size()</c>.</summary>
    public abstract int WriteBufferSize { get; }
}
