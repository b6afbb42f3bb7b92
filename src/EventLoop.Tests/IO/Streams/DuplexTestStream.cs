using System.Threading.Channels;

namespace Asyncio.Tests.Streams;

/// <summary>An in-memory duplex stream: the test sends bytes (and EOF) for the loop to read, and receives what the loop writes.</summary>
internal sealed class DuplexTestStream : Stream
{
    private readonly Channel<byte[]> _toLoop = Channel.CreateUnbounded<byte[]>();
    private readonly Channel<byte[]> _fromLoop = Channel.CreateUnbounded<byte[]>();
    private byte[] _current = [];
    private int _offset;

    public bool Disposed { get; private set; }

    public void Send(string text) => _toLoop.Writer.TryWrite(System.Text.Encoding.ASCII.GetBytes(text));

    public void SendEof() => _toLoop.Writer.TryComplete();

    /// <summary>The next chunk the loop wrote, as one write.</summary>
    public async Task<string> ReceiveAsync() => System.Text.Encoding.ASCII.GetString(await _fromLoop.Reader.ReadAsync());

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_offset == _current.Length)
        {
            if (!await _toLoop.Reader.WaitToReadAsync(cancellationToken))
                return 0;
            _toLoop.Reader.TryRead(out _current!);
            _offset = 0;
        }
        int n = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsMemory(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _fromLoop.Writer.TryWrite(buffer.ToArray());
        return ValueTask.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        _toLoop.Writer.TryComplete();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
