using Asyncio.Internal;

namespace Asyncio;

/// <summary>Buffered bytes from a connection or a pipe, read with <c>await</c>: asyncio's <c>StreamReader</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.StreamReader</c>, made by <see cref="StreamEndpoints.OpenConnectionAsync(EventLoop, string, int, int, TimeSpan?, int?, CancellationToken)"/>,
/// <see cref="StreamEndpoints.StartServerAsync(EventLoop, Func{LoopStreamReader, LoopStreamWriter, Task}, string?, int, int, int, bool?, bool, CancellationToken)"/> and the subprocess pipes.</para>
/// <para>Loop-affine, not thread-safe: while its loop runs, every method called from another
/// thread throws <see cref="InvalidOperationException"/> before the buffer, the EOF mark or a
/// waiting read changes (other threads feed it through
/// <see cref="EventLoop.CallSoonThreadsafe(Action)"/>). One coroutine at a time may wait for data: a second gets
/// <see cref="InvalidOperationException"/>, as asyncio's <c>RuntimeError</c>. Flow control as
/// asyncio's: when more than twice <see cref="Limit"/> bytes are buffered the transport stops
/// reading, and resumes once the buffer is back to <see cref="Limit"/> or less. Cancelling a task
/// blocked in a read throws <see cref="CancelledError"/> there and loses no buffered byte.</para>
/// <para>Differs from asyncio: reads return <c>byte[]</c> (Python's <c>bytes</c>); a lost
/// connection surfaces as the <see cref="System.Net.Sockets.SocketException"/> the socket
/// reported (asyncio's <c>ConnectionResetError</c> is <c>SocketError.ConnectionReset</c>).</para>
/// </remarks>
public sealed class LoopStreamReader : IAsyncEnumerable<byte[]>
{
    /// <summary>The default <see cref="Limit"/>: 64 KiB, asyncio's <c>_DEFAULT_LIMIT</c>.</summary>
    public const int DefaultLimit = 64 * 1024;

    private static readonly byte[] s_newline = [(byte)'\n'];

    private EventLoop? _loop;
    private byte[] _buffer = [];
    private int _start;
    private int _count;
    private bool _eof;
    private Exception? _exception;
    // asyncio's _waiter: the Future a read awaits until data or EOF arrives; at most one.
    private Future<bool>? _waiter;
    private StreamTransport? _transport;
    private bool _paused;

    /// <summary>Creates a reader fed with <see cref="FeedData"/>: asyncio's <c>StreamReader(limit=2**16, loop=None)</c>.</summary>
    /// <param name="limit">The buffer limit (see <see cref="Limit"/>).</param>
    /// <param name="loop">The loop whose Futures the reads wait on; the running loop when omitted (bound at the first wait).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is zero or less: "Limit cannot be &lt;= 0".</exception>
    public LoopStreamReader(int limit = DefaultLimit, EventLoop? loop = null)
    {
        if (limit <= 0)
            ThrowHelper.StreamLimit();
        Limit = limit;
        _loop = loop ?? EventLoop.RunningLoop;
    }

    /// <summary>The largest line or chunk <see cref="ReadUntilAsync(byte[], CancellationToken)"/> accepts, and the flow-control unit: asyncio's <c>_limit</c>.</summary>
    public int Limit { get; }

    /// <summary>Whether the buffer is empty and EOF was fed: asyncio's <c>reader.at_eof()</c>.</summary>
    public bool AtEof => _eof && _count == 0;

    /// <summary>Number of bytes buffered and not yet read (diagnostics and tests).</summary>
    internal int BufferedCount => _count;

    /// <summary>Whether the transport was paused because the buffer is over twice the limit (tests).</summary>
    internal bool IsPaused => _paused;

    /// <summary>The exception set by <see cref="SetException"/>, or <see langword="null"/>: asyncio's <c>reader.exception()</c>.</summary>
    public Exception? Exception => _exception;

    /// <summary>Makes every later read throw <paramref name="exception"/>, and wakes a waiting read with it: asyncio's <c>reader.set_exception(exc)</c>.</summary>
    public void SetException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        CheckThread(nameof(SetException));
        _exception = exception;
        var waiter = _waiter;
        if (waiter is not null)
        {
            _waiter = null;
            if (!waiter.Cancelled)
                waiter.SetException(exception);
        }
    }

    /// <summary>Appends <paramref name="data"/> to the buffer and wakes a waiting read: asyncio's <c>reader.feed_data(data)</c>.</summary>
    /// <exception cref="InvalidOperationException">EOF was already fed ("feed_data after feed_eof").</exception>
    public void FeedData(ReadOnlySpan<byte> data)
    {
        // Check first: a refused feed must neither buffer the bytes nor consume the waiting read.
        CheckThread(nameof(FeedData));
        if (_eof)
            throw new InvalidOperationException("feed_data after feed_eof");
        if (data.IsEmpty)
            return;
        Append(data);
        WakeUpWaiter();
        if (_transport is not null && !_paused && _count > 2 * Limit)
        {
            _transport.PauseReading();
            _paused = true;
        }
    }

    /// <summary>Marks the end of the stream and wakes a waiting read: asyncio's <c>reader.feed_eof()</c>.</summary>
    public void FeedEof()
    {
        CheckThread(nameof(FeedEof));
        _eof = true;
        WakeUpWaiter();
    }

    internal void SetTransport(StreamTransport transport) => _transport = transport;

    // ---- reads ---------------------------------------------------------------------------------

    /// <summary>Reads up to <paramref name="n"/> bytes; with <paramref name="n"/> &lt; 0, reads to EOF: asyncio's <c>await reader.read(n=-1)</c>.</summary>
    /// <remarks>
    /// asyncio: <c>reader.read(n)</c>. Waits only when the buffer is empty and EOF has not been
    /// fed; returns what is buffered, at most <paramref name="n"/> bytes; an empty array at EOF.
    /// </remarks>
    /// <param name="n">The number of bytes.</param>
    /// <param name="cancellationToken">Ends a wait for data with <see cref="OperationCanceledException"/> when it fires, from any thread; no buffered byte is lost. Not looked at when the call does not wait.</param>
    public Task<byte[]> ReadAsync(int n = -1, CancellationToken cancellationToken = default)
    {
        CheckThread(nameof(ReadAsync));
        return ReadCoreAsync(n, cancellationToken);
    }

    private async Task<byte[]> ReadCoreAsync(int n, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        if (n == 0)
            return [];
        if (n < 0)
        {
            // asyncio reads chunks of the limit, so that the transport keeps being resumed.
            var all = new List<byte[]>();
            int total = 0;
            while (true)
            {
                var block = await ReadCoreAsync(Limit, cancellationToken);
                if (block.Length == 0)
                    break;
                all.Add(block);
                total += block.Length;
            }
            var joined = new byte[total];
            int at = 0;
            foreach (var block in all)
            {
                block.CopyTo(joined, at);
                at += block.Length;
            }
            return joined;
        }
        if (_count == 0 && !_eof)
            await WaitForDataAsync("read", cancellationToken);
        var data = Take(Math.Min(n, _count));
        MaybeResumeTransport();
        return data;
    }

    /// <summary>Reads one line, <c>\n</c> included; at EOF, what is left (maybe empty): asyncio's <c>await reader.readline()</c>.</summary>
    /// <remarks>
    /// asyncio: <c>reader.readline()</c>. A line longer than <see cref="Limit"/> throws
    /// <see cref="ArgumentException"/> (Python's <c>ValueError</c>) and is dropped from the
    /// buffer (up to and including its <c>\n</c>, when it arrived).
    /// </remarks>
    /// <param name="cancellationToken">Ends a wait for data with <see cref="OperationCanceledException"/> when it fires, from any thread; no buffered byte is lost. Not looked at when the call does not wait.</param>
    public Task<byte[]> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        CheckThread(nameof(ReadLineAsync));
        return ReadLineCoreAsync(cancellationToken);
    }

    private async Task<byte[]> ReadLineCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ReadUntilCoreAsync(s_newline, cancellationToken);
        }
        catch (IncompleteReadError e)
        {
            return e.Partial;
        }
        catch (LimitOverrunError e)
        {
            if (_count >= e.Consumed + 1 && _buffer[_start + e.Consumed] == (byte)'\n')
                Discard(e.Consumed + 1);
            else
                Discard(_count);
            MaybeResumeTransport();
            throw new ArgumentException(e.Message);
        }
    }

    /// <summary>Reads exactly <paramref name="n"/> bytes: asyncio's <c>await reader.readexactly(n)</c>.</summary>
    /// <remarks>
    /// asyncio: <c>reader.readexactly(n)</c>. When EOF comes first, throws
    /// <see cref="IncompleteReadError"/> with the bytes that did arrive (they leave the buffer).
    /// A negative <paramref name="n"/> throws <see cref="ArgumentOutOfRangeException"/>.
    /// </remarks>
    /// <param name="n">The number of bytes.</param>
    /// <param name="cancellationToken">Ends a wait for data with <see cref="OperationCanceledException"/> when it fires, from any thread; no buffered byte is lost. Not looked at when the call does not wait.</param>
    public Task<byte[]> ReadExactlyAsync(int n, CancellationToken cancellationToken = default)
    {
        CheckThread(nameof(ReadExactlyAsync));
        return ReadExactlyCoreAsync(n, cancellationToken);
    }

    private async Task<byte[]> ReadExactlyCoreAsync(int n, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        if (n < 0)
            ThrowHelper.ReadExactlyNegative();
        if (n == 0)
            return [];
        while (_count < n)
        {
            if (_eof)
                throw new IncompleteReadError(Take(_count), n);
            await WaitForDataAsync("readexactly", cancellationToken);
        }
        var data = Take(n);
        MaybeResumeTransport();
        return data;
    }

    /// <summary>Reads up to and including <paramref name="separator"/>: asyncio's <c>await reader.readuntil(separator=b'\n')</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>reader.readuntil(separator)</c>.</para>
    /// <para>At EOF without the separator, throws <see cref="IncompleteReadError"/> (its
    /// <see cref="IncompleteReadError.Expected"/> null) with what was buffered. When the separator
    /// is not within <see cref="Limit"/> bytes, throws <see cref="LimitOverrunError"/> and leaves
    /// the bytes in the buffer. An empty separator throws <see cref="ArgumentException"/>.</para>
    /// </remarks>
    /// <param name="separator">The bytes that end the chunk; not empty.</param>
    /// <param name="cancellationToken">Ends a wait for data with <see cref="OperationCanceledException"/> when it fires, from any thread; no buffered byte is lost. Not looked at when the call does not wait.</param>
    public Task<byte[]> ReadUntilAsync(byte[] separator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(separator);
        if (separator.Length == 0)
            ThrowHelper.EmptySeparator();
        CheckThread(nameof(ReadUntilAsync));
        return ReadUntilCoreAsync(separator, cancellationToken);
    }

    private async Task<byte[]> ReadUntilCoreAsync(byte[] separator, CancellationToken cancellationToken)
    {
        int separatorLength = separator.Length;
        ThrowIfFailed();
        int offset = 0;
        int found;
        while (true)
        {
            if (_count - offset >= separatorLength)
            {
                found = _buffer.AsSpan(_start + offset, _count - offset).IndexOf(separator);
                if (found != -1)
                {
                    found += offset;
                    break;
                }
                offset = _count + 1 - separatorLength;
                if (offset > Limit)
                    throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
            }
            if (_eof)
                throw new IncompleteReadError(Take(_count), null);
            await WaitForDataAsync("readuntil", cancellationToken);
        }
        if (found > Limit)
            throw new LimitOverrunError("Separator is found, but chunk is longer than limit", found);
        var chunk = Take(found + separatorLength);
        MaybeResumeTransport();
        return chunk;
    }

    /// <summary>Reads up to and including the first <c>\n</c>: asyncio's <c>await reader.readuntil()</c>.</summary>
    /// <remarks>asyncio: <c>reader.readuntil()</c>; see <see cref="ReadUntilAsync(byte[], CancellationToken)"/>.</remarks>
    public Task<byte[]> ReadUntilAsync() => ReadUntilAsync(s_newline);

    /// <summary>Reads up to and including the first <c>\n</c>: asyncio's <c>await reader.readuntil()</c>, with a token.</summary>
    /// <remarks>asyncio: <c>reader.readuntil()</c>; see <see cref="ReadUntilAsync(byte[], CancellationToken)"/>.</remarks>
    /// <param name="cancellationToken">Ends a wait for data with <see cref="OperationCanceledException"/> when it fires, from any thread; no buffered byte is lost. Not looked at when the call does not wait.</param>
    public Task<byte[]> ReadUntilAsync(CancellationToken cancellationToken) => ReadUntilAsync(s_newline, cancellationToken);

    /// <summary>The lines of the stream, each with its <c>\n</c>, until EOF: asyncio's <c>async for line in reader</c>.</summary>
    /// <remarks>
    /// <para>asyncio: <c>StreamReader.__anext__</c>: <see cref="ReadLineAsync"/> until it returns
    /// an empty array. The last line may lack its <c>\n</c>; a line longer than
    /// <see cref="Limit"/> throws as <see cref="ReadLineAsync"/> does.</para>
    /// <para>Each step is one <see cref="ReadLineAsync"/>: the same loop affinity, one waiter at
    /// a time, and a cancelled step loses no buffered byte.</para>
    /// </remarks>
    /// <param name="cancellationToken">Ends a waiting step with <see cref="OperationCanceledException"/> when it fires (<c>WithCancellation</c> passes it).</param>
    public IAsyncEnumerator<byte[]> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        // Refused at the call, not at the first MoveNextAsync: an iterator method runs nothing until then.
        CheckThread(nameof(GetAsyncEnumerator));
        return Lines(cancellationToken);
    }

    private async IAsyncEnumerator<byte[]> Lines(CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (line.Length == 0)
                yield break;
            yield return line;
        }
    }

    /// <summary>asyncio's repr: <c>&lt;LoopStreamReader 5 bytes eof&gt;</c>.</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder("<LoopStreamReader");
        if (_count > 0)
            text.Append(' ').Append(_count).Append(" bytes");
        if (_eof)
            text.Append(" eof");
        if (Limit != DefaultLimit)
            text.Append(" limit=").Append(Limit);
        if (_waiter is not null)
            text.Append(" waiter=").Append(_waiter);
        if (_exception is not null)
            text.Append(" exception=").Append(Naming.ExceptionRepr(_exception));
        if (_paused)
            text.Append(" paused");
        return text.Append('>').ToString();
    }

    // ---- internals -------------------------------------------------------------------------------

    // While the loop the reader belongs to runs, only its thread may touch the buffer.
    private void CheckThread(string operation) => _loop?.CheckThread(operation);

    private void ThrowIfFailed()
    {
        if (_exception is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_exception);
    }

    /// <summary>asyncio's <c>_wait_for_data</c>: wait until data or EOF is fed, resuming a paused transport first.</summary>
    private async Task WaitForDataAsync(string functionName, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_waiter is not null)
            throw ThrowHelper.ConcurrentReadError(functionName);
        // asyncio: a paused transport with a short buffer would otherwise never be resumed.
        if (_paused)
        {
            _paused = false;
            _transport!.ResumeReading();
        }
        var loop = _loop ?? LoopBinding.Get(ref _loop, this);
        var waiter = loop.CreateFuture<bool>();
        _waiter = waiter;
        using var registration = TokenCancellation.Register(waiter, cancellationToken);
        try
        {
            await waiter;
        }
        finally
        {
            if (ReferenceEquals(_waiter, waiter))
                _waiter = null;
        }
    }

    private void WakeUpWaiter()
    {
        var waiter = _waiter;
        if (waiter is not null)
        {
            _waiter = null;
            if (!waiter.Cancelled)
                waiter.SetResult(true);
        }
    }

    private void MaybeResumeTransport()
    {
        if (_paused && _count <= Limit)
        {
            _paused = false;
            _transport!.ResumeReading();
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_start + _count + data.Length > _buffer.Length)
        {
            if (_count + data.Length <= _buffer.Length && _start > 0)
            {
                // Room enough once compacted: slide the unread bytes to the front.
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _count);
            }
            else
            {
                var grown = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(_count + data.Length, Math.Max(_buffer.Length * 2, 4096)));
                Buffer.BlockCopy(_buffer, _start, grown, 0, _count);
                ReturnBuffer();
                _buffer = grown;
            }
            _start = 0;
        }
        data.CopyTo(_buffer.AsSpan(_start + _count));
        _count += data.Length;
    }

    private byte[] Take(int n)
    {
        var data = _buffer.AsSpan(_start, n).ToArray();
        Discard(n);
        return data;
    }

    private void Discard(int n)
    {
        _start += n;
        _count -= n;
        if (_count == 0)
        {
            // Nothing buffered: the buffer goes back to the pool, so an idle reader holds none.
            _start = 0;
            ReturnBuffer();
            _buffer = [];
        }
    }

    private void ReturnBuffer()
    {
        // Only rented arrays are ever stored, or the empty one.
        if (_buffer.Length > 0)
            System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
    }
}
