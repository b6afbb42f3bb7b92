using System.Net.Security;
using System.Net.Sockets;

namespace Asyncio;

/// <summary>A <see cref="StreamTransport"/> over a TLS session on a connected stream <see cref="Socket"/> (TCP or Unix domain): asyncio's <c>_SSLProtocolTransport</c>.</summary>
/// <remarks>
/// <para>The bytes go through an <see cref="SslStream"/> over the socket, on .NET's socket engine;
/// the socket still answers the virtual clock's probe and <c>GetExtraInfo</c>. A plain socket's
/// streams are a <see cref="ProtocolStreamTransport"/>; its <c>start_tls</c> ends here.</para>
/// </remarks>
internal sealed class SocketTransport : PumpedStreamTransport
{
    private readonly Socket _socket;
    private readonly SslStream _tls;

    /// <param name="loop">The loop.</param>
    /// <param name="socket">The connected socket.</param>
    /// <param name="reader">The reader the receives feed; null: nothing is received here (a protocol's TLS transport reads the SslStream itself).</param>
    /// <param name="tls">The session over the socket, its handshake done.</param>
    public SocketTransport(EventLoop loop, Socket socket, LoopStreamReader? reader, SslStream tls) : base(loop, reader)
    {
        _socket = socket;
        _tls = tls;
    }

    public Socket Socket => _socket;

    /// <summary>The TLS options the session was made with: <c>GetExtraInfo("sslcontext")</c>, the nearest thing .NET has to asyncio's <c>SSLContext</c>.</summary>
    public object? SslOptions { get; set; }

    // An SslStream's zero-byte read completes when the next record is there (it reads it into its
    // own buffer), and takes no application bytes.
    protected override bool WaitsForDataWithoutBuffer => true;

    protected override ValueTask<int> ReceiveAsync(Memory<byte> buffer) => _tls.ReadAsync(buffer);

    // Readable: bytes, the peer's FIN, or an error are there for the receive to take.
    protected override bool HasBytesWaiting => _socket.Available > 0 || _socket.Poll(0, SelectMode.SelectRead);

    protected override async ValueTask SendAsync(ReadOnlyMemory<byte> data) =>
        await _tls.WriteAsync(data).ConfigureAwait(false);

    protected override void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    protected override void CloseResource(bool abortive)
    {
        // No close_notify: SslStream's is asynchronous and connection_lost is not; the peer sees
        // the FIN below, which .NET and OpenSSL read as the end of the stream.
        _tls.Dispose();
        if (!abortive)
        {
            // .NET closes a socket with an operation pending (our receive) abortively, with an
            // RST, unless it was shut down first: asyncio's close() is a FIN.
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // Not connected any more: nothing to shut down.
            }
        }
        _socket.Dispose();
    }

    // asyncio's _SSLProtocolTransport.can_write_eof(): TLS has no half-close.
    public override bool CanWriteEof => false;

    public override object? GetExtraInfo(string name) => name switch
    {
        "ssl_object" => _tls,
        "peercert" => _tls.RemoteCertificate,
        "cipher" => _tls.NegotiatedCipherSuite,
        "sslcontext" => SslOptions,
        "peername" => ProtocolCalls.SafeEndPoint(_socket, remote: true),
        "sockname" => ProtocolCalls.SafeEndPoint(_socket, remote: false),
        "socket" => _socket,
        _ => null,
    };

}

/// <summary>A one-way <see cref="StreamTransport"/> over a .NET <see cref="Stream"/>: a subprocess pipe.</summary>
internal sealed class PipeTransport : PumpedStreamTransport
{
    private readonly Stream _stream;

    public PipeTransport(EventLoop loop, Stream stream, LoopStreamReader? reader) : base(loop, reader)
    {
        _stream = stream;
    }

    protected override ValueTask<int> ReceiveAsync(Memory<byte> buffer) => _stream.ReadAsync(buffer);

    protected override async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        await _stream.WriteAsync(data).ConfigureAwait(false);
        await _stream.FlushAsync().ConfigureAwait(false);
    }

    // A pipe has no half-close: closing the write end is the EOF the other side sees.
    protected override void ShutdownSend() => _stream.Dispose();

    protected override void CloseResource(bool abortive) => _stream.Dispose();

    public override bool CanWriteEof => true;

    public override object? GetExtraInfo(string name) => name == "pipe" ? _stream : null;

    // asyncio's _UnixReadPipeTransport closes itself at EOF.
    protected override bool CloseOnEof => true;
}
