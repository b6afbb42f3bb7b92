using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>A <see cref="DatagramTransport"/> over a UDP <see cref="Socket"/>: asyncio's <c>_SelectorDatagramTransport</c>.</summary>
/// <remarks>
/// <para>On Linux the socket is watched by the loop's epoll selector, as asyncio's selector loop
/// watches it: each readiness takes one datagram with a non-blocking receive-from, on the loop
/// thread. Elsewhere a receive-from of .NET's socket engine is always in flight while the
/// transport is open (a datagram cannot be waited for without taking it, as a stream's
/// zero-byte receive does), counted as a probed wait. Sends try the socket at once and buffer only on would-block, as asyncio's
/// <c>sendto</c>. Invariant: <c>connection_lost</c> is scheduled once (<see cref="_connLost"/>) and
/// closes the socket after the protocol has seen it.</para>
/// </remarks>
internal sealed class SocketDatagramTransport : DatagramTransport, EventLoop.IReadinessProbe, IOwnedDescriptor
{
    // Larger than any UDP payload (65507 bytes): a datagram is never truncated.
    private const int ReceiveBufferSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly DatagramProtocol _protocol;
    private readonly EndPoint? _remote;
    private readonly EndPoint? _local;
    private readonly Queue<(byte[] Data, EndPoint? Address)> _buffer = new();
    private int _bufferSize;
    private Task? _receive;
    private bool _sending;
    private bool _closing;
    private bool _connLost;
    private bool _lost;
    private bool _protocolPaused;
    private readonly int _highWater = 64 * 1024;
    private readonly int _lowWater = 16 * 1024;
    // The loop's selector and this socket's reader handle; null where there is no epoll.
    private readonly EpollSelector? _selector;
    private readonly int _fd;
    private readonly Handle? _readReady;
    private byte[]? _readBuffer; // rented while the selector watches
    private EndPoint _anyAddress = null!;

    public SocketDatagramTransport(EventLoop loop, Socket socket, DatagramProtocol protocol, EndPoint? remote) : base(loop)
    {
        _socket = socket;
        _protocol = protocol;
        _remote = remote;
        socket.Blocking = false;
        _local = socket.LocalEndPoint;
        _selector = loop.Selector;
        if (_selector is not null)
        {
            _fd = (int)socket.SafeHandle.DangerousGetHandle();
            _readReady = new Handle(loop, static s => ((SocketDatagramTransport)s!).ReadReady(), this);
        }
        loop._openTransportCount++;
    }

    bool EventLoop.IReadinessProbe.IsReady => _receive is { IsCompleted: true } || _socket.Available > 0 || _socket.Poll(0, SelectMode.SelectRead);

    /// <summary>asyncio's <c>__init__</c>: connection_made, then start reading, then <paramref name="waiter"/>, each in its own callback.</summary>
    public void Start(Future<bool> waiter) =>
        ProtocolCalls.ScheduleStart(Loop, this, static self => self._protocol.ConnectionMade(self), static self => self.StartReading(), waiter);

    private void StartReading()
    {
        if (_closing)
            return;
        if (_selector is null)
        {
            Loop.StartDetached(static t => ((SocketDatagramTransport)t).ReadPumpAsync(), this);
            return;
        }
        _readBuffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        _anyAddress = _socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        _selector.Set(_fd, write: false, _readReady, owner: this);
    }

    public override bool IsClosing => _closing;

    public override object? GetExtraInfo(string name, object? defaultValue = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "peername" => _remote ?? defaultValue,
            "sockname" => _local ?? defaultValue,
            "socket" => _socket,
            _ => defaultValue,
        };
    }

    /// <summary>asyncio's <c>_SelectorDatagramTransport._read_ready</c>: one datagram per readiness.</summary>
    private void ReadReady()
    {
        if (_closing || _readBuffer is not { } buffer)
            return;
        EndPoint from = _anyAddress;
        int received;
        try
        {
            received = _socket.ReceiveFrom(buffer, SocketFlags.None, ref from);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.WouldBlock)
        {
            return;
        }
        catch (SocketException exception)
        {
            // An OSError goes to error_received and reading goes on.
            CallErrorReceived(exception);
            return;
        }
        try
        {
            _protocol.DatagramReceived(buffer.AsSpan(0, received), from);
        }
        catch (Exception exception)
        {
            FatalError(exception, "Fatal error: protocol.datagram_received() call failed.");
        }
    }

    /// <summary>asyncio's <c>_remove_reader</c> at close: no more datagrams, and the buffer goes back.</summary>
    private void StopReading()
    {
        if (_readBuffer is not { } buffer)
            return;
        _readBuffer = null;
        _selector!.Set(_fd, write: false, null, null);
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private async Task ReadPumpAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        try
        {
            EndPoint any = _socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
            while (!_closing)
            {
                SocketReceiveFromResult result;
                Loop.ProbedWaitStarted(this);
                try
                {
                    var receive = _socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, any).AsTask();
                    _receive = receive;
                    result = await receive;
                }
                catch (SocketException exception) when (!_closing)
                {
                    // asyncio's _read_ready: an OSError goes to error_received and reading goes on.
                    CallErrorReceived(exception);
                    continue;
                }
                catch (Exception) when (_closing)
                {
                    return;
                }
                finally
                {
                    Loop.ProbedWaitEnded(this);
                    _receive = null;
                }
                if (_closing)
                    return;
                try
                {
                    _protocol.DatagramReceived(buffer.AsSpan(0, result.ReceivedBytes), result.RemoteEndPoint);
                }
                catch (Exception exception)
                {
                    FatalError(exception, "Fatal error: protocol.datagram_received() call failed.");
                    return;
                }
            }
        }
        catch (Exception exception)
        {
            FatalError(exception, "Fatal read error on datagram transport");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void CallErrorReceived(Exception exception)
    {
        try
        {
            _protocol.ErrorReceived(exception);
        }
        catch (Exception failure)
        {
            FatalError(failure, "Fatal error: protocol.error_received() call failed.");
        }
    }

    public override void SendTo(ReadOnlySpan<byte> data, EndPoint? address = null)
    {
        Loop.CheckThread(nameof(SendTo));
        if (_remote is not null)
        {
            if (address is not null && !address.Equals(_remote))
                ThrowHelper.InvalidDatagramAddress(_remote);
        }
        else if (address is null)
        {
            throw new ArgumentNullException(nameof(address), "an endpoint without a remote address needs one for each datagram");
        }
        if (data.IsEmpty || _connLost)
            return;
        if (_buffer.Count == 0 && !_sending)
        {
            try
            {
                // Attempt to send it right away first, as asyncio does.
                if (_remote is not null)
                    _socket.Send(data, SocketFlags.None);
                else
                    _socket.SendTo(data, SocketFlags.None, address!);
                return;
            }
            catch (SocketException exception) when (exception.SocketErrorCode != SocketError.WouldBlock)
            {
                CallErrorReceived(exception);
                return;
            }
            catch (SocketException)
            {
                // Would block: buffer it below.
            }
        }
        _buffer.Enqueue((data.ToArray(), address));
        _bufferSize += data.Length;
        if (!_sending)
        {
            _sending = true;
            Loop.StartDetached(static s => ((SocketDatagramTransport)s).SendPumpAsync(), this);
        }
        MaybePauseProtocol();
    }

    /// <summary>asyncio's <c>_sendto_ready</c>, as a pump.</summary>
    private async Task SendPumpAsync()
    {
        while (_buffer.Count > 0 && !_connLost)
        {
            var (data, address) = _buffer.Peek();
            Loop.RealWorkStarted(); // a datagram send ends by itself
            try
            {
                if (_remote is not null)
                    await _socket.SendAsync(data, SocketFlags.None);
                else
                    await _socket.SendToAsync(data, SocketFlags.None, address!);
            }
            catch (SocketException exception) when (!_connLost)
            {
                CallErrorReceived(exception);
            }
            catch (Exception exception)
            {
                _sending = false;
                if (!_connLost)
                    FatalError(exception, "Fatal write error on datagram transport");
                return;
            }
            finally
            {
                Loop.RealWorkEnded();
            }
            if (_connLost)
                break;
            _buffer.Dequeue();
            _bufferSize -= data.Length;
            MaybeResumeProtocol();
        }
        _sending = false;
        if (_closing && !_connLost)
        {
            _connLost = true;
            CallConnectionLost(null);
        }
    }

    public override int WriteBufferSize => _bufferSize;

    private void MaybePauseProtocol() => ProtocolCalls.MaybePauseWriting(Loop, _protocol, ref _protocolPaused, _bufferSize, _highWater);

    private void MaybeResumeProtocol() => ProtocolCalls.MaybeResumeWriting(Loop, _protocol, ref _protocolPaused, _bufferSize, _lowWater);

    public override void Close()
    {
        Loop.CheckThread(nameof(Close));
        if (_closing)
            return;
        _closing = true;
        StopReading();
        if (_buffer.Count == 0 && !_sending)
        {
            _connLost = true;
            Loop.CallSoon(static s => ((SocketDatagramTransport)s!).CallConnectionLost(null), this);
        }
    }

    public override void Abort()
    {
        Loop.CheckThread(nameof(Abort));
        ForceClose(null);
    }

    private void FatalError(Exception exception, string message)
    {
        if (exception is not (SocketException or ObjectDisposedException))
            Loop.CallExceptionHandler(new ExceptionContext(message) { Exception = exception });
        ForceClose(exception);
    }

    private void ForceClose(Exception? exception)
    {
        if (_connLost)
            return;
        StopReading();
        _buffer.Clear();
        _bufferSize = 0;
        _closing = true;
        _connLost = true;
        Loop.CallSoon(static s => { var (self, e) = ((SocketDatagramTransport, Exception?))s!; self.CallConnectionLost(e); }, (object)(this, exception));
    }

    private void CallConnectionLost(Exception? exception)
    {
        if (_lost)
            return;
        _lost = true;
        try
        {
            _protocol.ConnectionLost(exception);
        }
        finally
        {
            StopReading();
            _socket.Dispose();
            Loop._openTransportCount--;
        }
    }

    /// <summary>asyncio's repr, without the fd.</summary>
    public override string ToString() => $"<DatagramTransport{(_lost ? " closed" : _closing ? " closing" : "")} bufsize={_bufferSize}>";
}
