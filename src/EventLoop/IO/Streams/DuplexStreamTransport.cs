namespace Asyncio;

/// <summary>A <see cref="StreamTransport"/> over any readable and writable .NET <see cref="Stream"/> (a named pipe, a serial port's stream, an <see cref="System.Net.Security.SslStream"/>).</summary>
/// <remarks>
/// A generic stream cannot half-close, so <see cref="CanWriteEof"/> is false, and EOF from it
/// only feeds the reader (the writer stays usable, as on a socket). A read in flight is a
/// foreign wait the virtual clock cannot probe: it may jump while one is pending.
/// </remarks>
internal sealed class DuplexStreamTransport : PumpedStreamTransport
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;

    public DuplexStreamTransport(EventLoop loop, Stream stream, LoopStreamReader reader, bool leaveOpen) : base(loop, reader)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    protected override ValueTask<int> ReceiveAsync(Memory<byte> buffer) => _stream.ReadAsync(buffer);

    protected override async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        await _stream.WriteAsync(data).ConfigureAwait(false);
        await _stream.FlushAsync().ConfigureAwait(false);
    }

    // Never called: CanWriteEof is false and LoopStreamWriter.WriteEof refuses first.
    protected override void ShutdownSend() => throw new NotSupportedException(NoHalfClose);

    internal const string NoHalfClose = "The stream doesn't support half-closes";

    protected override void CloseResource(bool abortive)
    {
        if (!_leaveOpen)
            _stream.Dispose();
    }

    public override bool CanWriteEof => false;

    public override object? GetExtraInfo(string name) => name == "stream" ? _stream : null;
}
