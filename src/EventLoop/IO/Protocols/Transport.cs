namespace Asyncio;

/// <summary>A bidirectional stream transport (TCP, Unix socket) driving a <see cref="Protocol"/> or <see cref="BufferedProtocol"/>: asyncio's <c>asyncio.Transport</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.Transport</c> (<c>ReadTransport</c> and <c>WriteTransport</c> in one),
/// as <c>_SelectorSocketTransport</c> implements it.</para>
/// <para>Flow control as asyncio's: when the write buffer grows above the high-water mark the
/// protocol's <see cref="BaseProtocol.PauseWriting"/> runs (inside that <see cref="Write"/>);
/// when it drains to the low-water mark or below, <see cref="BaseProtocol.ResumeWriting"/> runs.</para>
/// </remarks>
public abstract class Transport : BaseTransport
{
    private protected Transport(EventLoop loop) : base(loop)
    {
    }

    /// <summary>Sends <paramref name="data"/> without blocking: asyncio's <c>write(data)</c>.</summary>
    /// <remarks>
    /// <para>Tries the socket at once; what it does not take is buffered and sent in the
    /// background. Empty data is ignored; after the connection is lost, writes are dropped.</para>
    /// <para>Throws <see cref="InvalidOperationException"/> "Cannot call write() after write_eof()".</para>
    /// </remarks>
    /// <param name="data">The bytes; copied if buffered.</param>
    public abstract void Write(ReadOnlySpan<byte> data);

    /// <summary>Writes each buffer in turn: asyncio's <c>writelines(list_of_data)</c>.</summary>
    /// <param name="data">The buffers.</param>
    public void WriteLines(IEnumerable<ReadOnlyMemory<byte>> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var chunk in data)
            Write(chunk.Span);
    }

    /// <summary>Closes the writing side after the buffered data is sent: asyncio's <c>write_eof()</c>.</summary>
    public abstract void WriteEof();

    /// <summary>Whether <see cref="WriteEof"/> is supported: asyncio's <c>can_write_eof()</c>.</summary>
    public abstract bool CanWriteEof { get; }

    /// <summary>Closes at once, dropping what is buffered: asyncio's <c>abort()</c>.</summary>
    /// <remarks>The protocol's <see cref="BaseProtocol.ConnectionLost"/> runs with <see langword="null"/> in a later iteration.</remarks>
    public abstract void Abort();

    /// <summary>Stops calling the protocol with data until <see cref="ResumeReading"/>: asyncio's <c>pause_reading()</c>.</summary>
    /// <remarks>A no-op when closing or already paused.</remarks>
    public abstract void PauseReading();

    /// <summary>Calls the protocol with data again: asyncio's <c>resume_reading()</c>.</summary>
    /// <remarks>A no-op when closing or not paused.</remarks>
    public abstract void ResumeReading();

    /// <summary>Whether the transport receives: asyncio's <c>is_reading()</c>.</summary>
    public abstract bool IsReading { get; }

    /// <summary>The bytes buffered, not yet taken by the socket: asyncio's <c>get_write_buffer_size()</c>.</summary>
    public abstract int WriteBufferSize { get; }

    /// <summary>Sets the flow control marks: asyncio's <c>set_write_buffer_limits(high=None, low=None)</c>.</summary>
    /// <remarks>Defaults as asyncio's: high 64 KiB (or 4 × low), low high / 4. Throws <see cref="ArgumentException"/> "high (h) must be &gt;= low (l) must be &gt;= 0". May call <see cref="BaseProtocol.PauseWriting"/> at once.</remarks>
    /// <param name="high">The high-water mark in bytes.</param>
    /// <param name="low">The low-water mark in bytes.</param>
    public abstract void SetWriteBufferLimits(int? high = null, int? low = null);

    /// <summary>The flow control marks: asyncio's <c>get_write_buffer_limits()</c>, (low, high) in that order.</summary>
    public abstract (int Low, int High) GetWriteBufferLimits();
}
