using System.Net.Sockets;

namespace Asyncio;

/// <summary>The <see cref="NetworkStream"/> under a TLS session, which can tell a virtual clock whether the handshake waits on the peer or works on its own.</summary>
/// <remarks>
/// A handshake alternates between computing and writing (real work: the clock must wait) and
/// reading the peer's next message (a wait on the peer: the clock may jump, so that a stalled
/// handshake meets its timeout on virtual time). It is ready, as a probe, unless a read is
/// pending with no byte in the socket.
/// </remarks>
internal sealed class ProbedNetworkStream(Socket socket) : NetworkStream(socket, ownsSocket: false), EventLoop.IReadinessProbe
{
    private readonly Socket _socket = socket;
    private int _pendingReads; // reads run on pool threads; the probe reads this on the loop's

    public bool IsReady =>
        Volatile.Read(ref _pendingReads) == 0 || _socket.Available > 0 || _socket.Poll(0, SelectMode.SelectRead);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _pendingReads);
        try
        {
            return await base.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingReads);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}
