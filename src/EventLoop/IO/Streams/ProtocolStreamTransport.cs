using System.Net.Security;
using System.Net.Sockets;

namespace Asyncio;

/// <summary>A plain socket's streams standing on its protocol transport: asyncio's <c>StreamReaderProtocol</c> over <c>_SelectorSocketTransport</c>.</summary>
/// <remarks>
/// <para>The bytes, the write buffer, flow control, EOF and closing are the
/// <see cref="SocketProtocolTransport"/>'s, exactly as for a protocol of the user's
/// (<see cref="ProtocolEndpoints.CreateConnectionAsync{TProtocol}(EventLoop, Func{TProtocol}, string, int, TimeSpan?, int?, CancellationToken)"/>);
/// the protocol here feeds the reader (<c>data_received</c> → <c>feed_data</c>, <c>eof_received</c>
/// → <c>feed_eof</c>, keeping the transport open for the writer) and turns
/// <c>pause_writing</c>/<c>resume_writing</c> into the writer's drain.</para>
/// <para><see cref="StartTlsAsync"/> hands the socket to a TLS <see cref="SocketTransport"/>, as
/// asyncio's <c>StreamWriter.start_tls</c> replaces the writer's transport: from then on the
/// writer and reader talk to that one, and this one forwards what a <see cref="Server"/> asks of
/// its connections (<see cref="Close"/>, <see cref="Abort"/>) to it.</para>
/// </remarks>
internal sealed class ProtocolStreamTransport : StreamTransport
{
    private readonly LoopStreamReader _reader;
    private readonly SocketProtocolTransport _transport;
    private SocketTransport? _upgraded;

    public ProtocolStreamTransport(EventLoop loop, Socket socket, LoopStreamReader reader) : base(loop)
    {
        _reader = reader;
        reader.SetTransport(this);
        _transport = new SocketProtocolTransport(loop, socket, new ReaderProtocol(this));
    }

    public override bool IsClosing => _upgraded?.IsClosing ?? _transport.IsClosing;

    public override int WriteBufferSize => _transport.WriteBufferSize;

    public override int HighWater => _transport.GetWriteBufferLimits().High;

    public override int LowWater => _transport.GetWriteBufferLimits().Low;

    public override bool CanWriteEof => true;

    public override void Start() => _transport.Start(waiter: null);

    public override void PauseReading() => _transport.PauseReading();

    public override void ResumeReading() => _transport.ResumeReading();

    public override void Write(ReadOnlySpan<byte> data) => _transport.Write(data);

    public override void WriteEof() => _transport.WriteEof();

    public override void SetWriteBufferLimits(int? high, int? low) => _transport.SetWriteBufferLimits(high, low);

    public override void Close()
    {
        if (_upgraded is not null)
            _upgraded.Close();
        else
            _transport.Close();
    }

    public override void Abort()
    {
        if (_upgraded is not null)
            _upgraded.Abort();
        else
            _transport.Abort();
    }

    public override object? GetExtraInfo(string name) => _transport.GetExtraInfo(name);

    /// <summary>asyncio's <c>loop.start_tls(transport, protocol, sslcontext)</c> for <c>StreamWriter.start_tls</c>: the TLS transport that replaces this one.</summary>
    /// <remarks>
    /// Reading stops at the call and what was written is sent first, as plain bytes; then the
    /// socket leaves this transport (no connection_lost: the connection goes on) for the
    /// handshake. A failed handshake closes the connection and the reader gets its error.
    /// </remarks>
    public async Task<SocketTransport> StartTlsAsync(SslClientAuthenticationOptions? client, SslServerAuthenticationOptions? server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _transport.PauseReading();
        var (low, high) = (LowWater, HighWater);
        SetWriteBufferLimits(0, 0);
        try
        {
            await DrainHelperAsync(cancellationToken);
        }
        finally
        {
            if (!IsLost)
                SetWriteBufferLimits(high, low);
        }
        if (IsLost)
            throw ConnectionLostError();
        var socket = _transport.DetachSocket();
        SslStream tls;
        Loop._openTransportCount++; // the handshaking socket, until its transport counts it
        try
        {
            tls = await TlsHandshake.AuthenticateOrCloseAsync(Loop, socket, client, server, timeout, cancellationToken);
        }
        catch (Exception exception)
        {
            ReaderLost(_reader, exception);
            throw;
        }
        Loop._openTransportCount--;
        var upgraded = new SocketTransport(Loop, socket, _reader, tls) { OnLost = _ => OnLost?.Invoke(this) };
        upgraded.SetWriteBufferLimits(high, low);
        _upgraded = upgraded;
        upgraded.Start();
        return upgraded;
    }

    private void Lost(Exception? exception)
    {
        MarkLost();
        ReaderLost(_reader, exception);
    }

    /// <summary>asyncio's <c>StreamReaderProtocol</c> (with <c>FlowControlMixin</c>) for the streams of one connection.</summary>
    private sealed class ReaderProtocol(ProtocolStreamTransport owner) : Protocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data) => owner._reader.FeedData(data);

        // The transport stays open, half-closed, so that the writer can still write.
        public override bool EofReceived()
        {
            owner._reader.FeedEof();
            return true;
        }

        public override void PauseWriting() => owner.WritePausedFlag = true;

        public override void ResumeWriting()
        {
            owner.WritePausedFlag = false;
            owner.WakeDrainWaiters(null);
        }

        public override void ConnectionLost(Exception? exception) => owner.Lost(exception);
    }
}
