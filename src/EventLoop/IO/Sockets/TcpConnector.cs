using System.Net;
using System.Net.Sockets;

namespace Asyncio;

/// <summary>
/// Connecting a TCP socket to a host, shared by the streams (<c>open_connection</c>) and the
/// protocols (<c>create_connection</c>): asyncio's <c>base_events.create_connection</c> up to the
/// connected socket, with its address order (<c>_interleave_addrinfos</c>) and Happy Eyeballs
/// (<c>staggered.staggered_race</c>).
/// </summary>
/// <remarks>
/// A socket counts in <see cref="EventLoop._openTransportCount"/> from its creation; the socket
/// handed back still counts, and the caller moves the count to the transport it makes.
/// </remarks>
internal static class TcpConnector
{
    /// <summary>One connection attempt: a counted, connected socket, or the attempt's error with nothing left open.</summary>
    /// <remarks>A seam for tests, which replace the socket with loop timers to see the order and the virtual times of the attempts.</remarks>
    internal delegate Task<Socket> Attempt(EventLoop loop, IPEndPoint endPoint, CancellationToken cancellationToken);

    private static readonly Attempt s_connect = ConnectOneAsync;

    /// <summary>Resolves <paramref name="host"/> (an IP literal is used as is), then connects as <see cref="ConnectAsync(EventLoop, IPAddress[], int, TimeSpan?, int?, CancellationToken, Attempt?)"/>.</summary>
    public static async Task<Socket> ConnectAsync(EventLoop loop, string host, int port, TimeSpan? happyEyeballsDelay, int? interleave, CancellationToken cancellationToken)
    {
        IPAddress[] addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await loop.ResolveAsync(host, cancellationToken);
        return await ConnectAsync(loop, addresses, port, happyEyeballsDelay, interleave, cancellationToken);
    }

    /// <summary>
    /// Tries <paramref name="addresses"/> in asyncio's order: one after the other when
    /// <paramref name="happyEyeballsDelay"/> is null, else staggered by that delay. When every
    /// attempt fails, the first error is thrown; no socket stays open.
    /// </summary>
    public static Task<Socket> ConnectAsync(EventLoop loop, IPAddress[] addresses, int port, TimeSpan? happyEyeballsDelay, int? interleave, CancellationToken cancellationToken, Attempt? attempt = null)
    {
        // asyncio: "if happy_eyeballs_delay is not None and interleave is None: interleave = 1";
        // then "if interleave:" (0 keeps the resolver's order).
        if (happyEyeballsDelay is not null && interleave is null)
            interleave = 1;
        if (interleave is { } count && count != 0)
            addresses = Interleave(addresses, count);
        var endPoints = new IPEndPoint[addresses.Length];
        for (int i = 0; i < addresses.Length; i++)
            endPoints[i] = new IPEndPoint(addresses[i], port);
        attempt ??= s_connect;
        return happyEyeballsDelay is { } delay
            ? StaggeredAsync(loop, endPoints, delay, attempt, cancellationToken)
            : OneByOneAsync(loop, endPoints, attempt, cancellationToken);
    }

    /// <summary>asyncio's <c>_interleave_addrinfos</c>: by family in first-seen order, <paramref name="firstAddressFamilyCount"/> - 1 of the first family first, then one of each family in turn.</summary>
    internal static IPAddress[] Interleave(IPAddress[] addresses, int firstAddressFamilyCount)
    {
        var byFamily = new List<Queue<IPAddress>>();
        foreach (var address in addresses)
        {
            var family = byFamily.Find(q => q.Peek().AddressFamily == address.AddressFamily);
            if (family is null)
                byFamily.Add(family = new Queue<IPAddress>());
            family.Enqueue(address);
        }
        var reordered = new List<IPAddress>(addresses.Length);
        for (int i = 0; i < firstAddressFamilyCount - 1 && byFamily.Count > 0 && byFamily[0].Count > 0; i++)
            reordered.Add(byFamily[0].Dequeue());
        while (reordered.Count < addresses.Length)
        {
            foreach (var family in byFamily)
            {
                if (family.Count > 0)
                    reordered.Add(family.Dequeue());
            }
        }
        return [.. reordered];
    }

    private static async Task<Socket> OneByOneAsync(EventLoop loop, IPEndPoint[] endPoints, Attempt attempt, CancellationToken cancellationToken)
    {
        Exception? first = null;
        foreach (var endPoint in endPoints)
        {
            try
            {
                return await attempt(loop, endPoint, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                first ??= exception;
            }
        }
        throw first ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>
    /// asyncio's <c>staggered_race</c>: attempt <c>i + 1</c> starts when attempt <c>i</c> fails or
    /// <paramref name="delay"/> after attempt <c>i</c> started, whichever comes first; the first
    /// to connect wins, the others are cancelled (a loser that connected anyway is closed), and
    /// the call returns once every attempt has ended.
    /// </summary>
    private static async Task<Socket> StaggeredAsync(EventLoop loop, IPEndPoint[] endPoints, TimeSpan delay, Attempt attempt, CancellationToken cancellationToken)
    {
        if (endPoints.Length == 0)
            throw new SocketException((int)SocketError.HostNotFound);
        var race = new Race(loop, endPoints, delay, attempt, cancellationToken);
        // asyncio's finally of staggered_race: the caller's token cancels the attempts in the order they started.
        using var registration = cancellationToken.CanBeCanceled ? cancellationToken.UnsafeRegister(static s => ((Race)s!).CancelAll(), race) : default;
        race.StartNext();
        try
        {
            await race.Ended;
        }
        catch
        {
            // The awaiting task was cancelled: end every attempt, and close a winner nobody takes.
            race.Abandon();
            throw;
        }
        cancellationToken.ThrowIfCancellationRequested();
        return race.Winner ?? throw race.FirstError ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>The state of one staggered race; loop thread only, except <see cref="CancelAll"/>.</summary>
    /// <remarks>Invariant: <see cref="_running"/> is zero only once no attempt will start any more, so <see cref="Ended"/> is set once.</remarks>
    private sealed class Race(EventLoop loop, IPEndPoint[] endPoints, TimeSpan delay, Attempt attempt, CancellationToken cancellationToken)
    {
        private readonly CancellationTokenSource?[] _tokens = new CancellationTokenSource?[endPoints.Length];
        private readonly Exception?[] _errors = new Exception?[endPoints.Length];
        private int _started;
        private int _running;
        private bool _abandoned;
        private TimerHandle? _delay;

        public Future<bool> Ended { get; } = loop.CreateFuture<bool>();

        public Socket? Winner { get; private set; }

        public Exception? FirstError => Array.Find(_errors, e => e is not null);

        private bool MayStartNext => _started < endPoints.Length && Winner is null && !_abandoned && !cancellationToken.IsCancellationRequested;

        public void StartNext()
        {
            _delay?.Cancel();
            _delay = null;
            int index = _started++;
            var token = new CancellationTokenSource();
            Volatile.Write(ref _tokens[index], token);
            // The caller's token may have fired on another thread as CancelAll passed this slot.
            if (cancellationToken.IsCancellationRequested)
                token.Cancel();
            _running++;
            if (MayStartNext)
                _delay = loop.CallLater(delay, static race => race.OnDelay(), this);
            loop.StartDetached(static s => { var (race, i) = ((Race, int))s; return race.RunAsync(i); }, (this, index));
        }

        private void OnDelay()
        {
            _delay = null;
            if (MayStartNext)
                StartNext();
        }

        private async Task RunAsync(int index)
        {
            var token = _tokens[index]!;
            try
            {
                var socket = await attempt(loop, endPoints[index], token.Token);
                if (Winner is null && !_abandoned && !cancellationToken.IsCancellationRequested)
                {
                    Winner = socket;
                    _delay?.Cancel();
                    _delay = null;
                    CancelOthers(index);
                }
                else
                {
                    // Connected after another won: asyncio's _connect_sock closes it at the cancellation.
                    Close(socket);
                }
            }
            catch (Exception exception)
            {
                _errors[index] = exception;
                // The latest attempt failed: its successor need not wait for the delay.
                if (index == _started - 1 && MayStartNext)
                    StartNext();
            }
            finally
            {
                token.Dispose();
                if (--_running == 0 && !Ended.Done)
                    Ended.SetResult(true);
            }
        }

        private void CancelOthers(int winner)
        {
            for (int i = 0; i < _started; i++)
            {
                if (i != winner)
                    TryCancel(_tokens[i]!);
            }
        }

        /// <summary>Any thread: the caller's token fired.</summary>
        public void CancelAll()
        {
            for (int i = 0; i < _tokens.Length; i++)
            {
                if (Volatile.Read(ref _tokens[i]) is { } token)
                    TryCancel(token);
            }
        }

        public void Abandon()
        {
            _abandoned = true;
            _delay?.Cancel();
            _delay = null;
            CancelOthers(-1);
            if (Winner is { } winner)
            {
                Winner = null;
                Close(winner);
            }
        }

        private static void TryCancel(CancellationTokenSource token)
        {
            try
            {
                token.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // That attempt has ended already.
            }
        }

        private void Close(Socket socket)
        {
            socket.Dispose();
            loop._openTransportCount--;
        }
    }

    /// <summary>asyncio's <c>_connect_sock</c>: a new socket, counted, connected or closed.</summary>
    private static async Task<Socket> ConnectOneAsync(EventLoop loop, IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        loop._openTransportCount++;
        // A connect ends by itself (connected, refused, or the OS's timeout): a virtual clock
        // waits for it rather than jumping to the next attempt's delay, as it waits for a send.
        loop.RealWorkStarted();
        try
        {
            await loop.ConnectAsync(socket, endPoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            loop._openTransportCount--;
            throw;
        }
        finally
        {
            loop.RealWorkEnded();
        }
        return socket;
    }
}
