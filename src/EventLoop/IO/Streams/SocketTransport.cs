using System.Net.Sockets;

namespace Asyncio;

/// <summary>A <see cref="StreamTransport"/> over a connected stream <see cref="Socket"/> (TCP or Unix domain).</summary>
internal sealed class SocketTransport : StreamTransport
{
    private readonly Socket _socket;

    public SocketTransport(EventLoop loop, Socket socket, LoopStreamReader reader) : base(loop, reader)
    {
        _socket = socket;
    }

    public Socket Socket => _socket;

    // A socket's zero-byte receive completes when data or EOF arrives, and consumes nothing.
    protected override bool WaitsForDataWithoutBuffer => true;

    protected override ValueTask<int> ReceiveAsync(Memory<byte> buffer) =>
        _socket.ReceiveAsync(buffer, SocketFlags.None);

    // Readable: bytes, the peer's FIN, or an error are there for the receive to take.
    protected override bool HasBytesWaiting => _socket.Available > 0 || _socket.Poll(0, SelectMode.SelectRead);

    protected override async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            int sent = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    protected override void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    protected override void CloseResource(bool abortive)
    {
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

    public override bool CanWriteEof => true;

    public override object? GetExtraInfo(string name) => name switch
    {
        "peername" => SafeEndPoint(remote: true),
        "sockname" => SafeEndPoint(remote: false),
        "socket" => _socket,
        _ => null,
    };

    private object? SafeEndPoint(bool remote)
    {
        try
        {
            return remote ? _socket.RemoteEndPoint : _socket.LocalEndPoint;
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            return null;
        }
    }
}

/// <summary>A one-way <see cref="StreamTransport"/> over a .NET <see cref="Stream"/>: a subprocess pipe.</summary>
internal sealed class PipeTransport : StreamTransport
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
