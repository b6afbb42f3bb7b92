using System.Net.Security;
using System.Net.Sockets;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>Listening sockets that hand each connection to a handler task: asyncio's <c>Server</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.Server</c>, made by <see cref="StreamEndpoints.StartServerAsync(EventLoop, Func{LoopStreamReader, LoopStreamWriter, Task}, string?, int, int, int, bool?, bool, CancellationToken)"/> and
/// <see cref="StreamEndpoints.StartUnixServerAsync(EventLoop, Func{LoopStreamReader, LoopStreamWriter, Task}, string, int, int, CancellationToken)"/> (and their TLS and protocol twins). Serving starts at creation
/// (<c>start_serving=True</c>). Each accepted connection gets a reader and a writer and runs the
/// handler as a new task; a handler that throws is reported to the exception handler
/// ("Unhandled exception in client_connected_cb") and its connection closed.</para>
/// <para>As in 3.12, <see cref="Close"/> stops listening but leaves accepted connections open
/// (a TLS handshake in progress goes on, and its connection is served if it succeeds), and
/// <see cref="WaitClosedAsync"/> waits until they are all closed too, handshakes included;
/// 3.13's <see cref="CloseClients"/> and <see cref="AbortClients"/> close them (and end the
/// handshakes).</para>
/// <para>Loop-affine, not thread-safe: while its loop runs, every method called from another
/// thread throws <see cref="InvalidOperationException"/> before anything is closed or started.</para>
/// </remarks>
public sealed class Server : IAsyncDisposable
{
    private readonly Func<LoopStreamReader, LoopStreamWriter, Task>? _handler;
    // A protocol server's: makes the transport of an accepted socket, which attaches itself (asyncio's _accept_connection2).
    private readonly Action<Server, Socket>? _acceptConnection;
    private readonly int _limit;
    private List<Socket>? _sockets;
    // The accepted connections not yet lost, and those still in their TLS handshake: asyncio
    // attaches an SSL connection's raw transport before its handshake, so wait_closed waits for
    // the handshake too, and 3.13's close_clients/abort_clients reach it.
    private readonly HashSet<IServedConnection> _clients = [];
    private List<Future<bool>>? _waiters = [];
    private Future<bool>? _servingForever;
    private bool _serving;
    private readonly SslServerAuthenticationOptions? _ssl;
    private readonly TimeSpan _sslHandshakeTimeout;

    internal Server(EventLoop loop, List<Socket> sockets, Func<LoopStreamReader, LoopStreamWriter, Task> handler, int limit, SslServerAuthenticationOptions? ssl = null, TimeSpan sslHandshakeTimeout = default)
    {
        Loop = loop;
        _sockets = sockets;
        _handler = handler;
        _limit = limit;
        _ssl = ssl;
        _sslHandshakeTimeout = sslHandshakeTimeout;
    }

    internal Server(EventLoop loop, List<Socket> sockets, Action<Server, Socket> acceptConnection)
    {
        Loop = loop;
        _sockets = sockets;
        _acceptConnection = acceptConnection;
    }

    /// <summary>The loop that serves: asyncio's <c>server.get_loop()</c>.</summary>
    public EventLoop Loop { get; }

    /// <summary>The listening sockets; empty once closed: asyncio's <c>server.sockets</c>.</summary>
    public IReadOnlyList<Socket> Sockets => _sockets is null ? [] : _sockets.ToArray();

    /// <summary>Whether the server accepts connections: asyncio's <c>server.is_serving()</c>.</summary>
    public bool IsServing => _serving;

    /// <summary>Number of accepted connections not yet closed, those in their TLS handshake included (diagnostics and tests).</summary>
    internal int ActiveCount => _clients.Count;

    internal void BeginAccepting()
    {
        if (_serving || _sockets is null)
            return;
        _serving = true;
        foreach (var socket in _sockets)
            Loop.StartDetached(static s => { var (server, listener) = ((Server, Socket))s; return server.AcceptPumpAsync(listener); }, (this, socket));
    }

    /// <summary>Starts accepting if not already (it starts at creation): asyncio's <c>await server.start_serving()</c>.</summary>
    /// <param name="cancellationToken">Not looked at: starting never waits. Present so that every wait of the library takes one.</param>
    public Task StartServingAsync(CancellationToken cancellationToken = default)
    {
        Loop.CheckThread(nameof(StartServingAsync));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled(cancellationToken);
        BeginAccepting();
        return Task.CompletedTask;
    }

    private async Task AcceptPumpAsync(Socket listener)
    {
        while (_serving && _sockets is not null)
        {
            Socket client;
            var probe = new AcceptProbe(listener);
            Loop.ProbedWaitStarted(probe);
            try
            {
                client = await listener.AcceptAsync();
            }
            catch (Exception exception)
            {
                if (_sockets is null || exception is ObjectDisposedException)
                    return; // closed under the pending accept
                Loop.CallExceptionHandler(new ExceptionContext("socket.accept() failed") { Exception = exception });
                continue;
            }
            finally
            {
                Loop.ProbedWaitEnded(probe);
            }
            if (_sockets is null)
            {
                client.Dispose();
                return;
            }
            Accept(client);
        }
    }

    /// <summary>A pending accept, ready for a virtual clock when a connection waits in the listener's backlog.</summary>
    private sealed class AcceptProbe(Socket listener) : EventLoop.IReadinessProbe
    {
        public bool IsReady => listener.Poll(0, SelectMode.SelectRead);
    }

    private void Accept(Socket client)
    {
        if (client.AddressFamily != AddressFamily.Unix)
            client.NoDelay = true; // asyncio sets TCP_NODELAY on every TCP transport
        if (_acceptConnection is not null)
        {
            _acceptConnection(this, client);
            return;
        }
        if (_ssl is null)
        {
            ServeStreams(client, null);
            return;
        }
        StartHandshake(client, _ssl, _sslHandshakeTimeout, static (server, client, tls) => server.ServeStreams(client, tls));
    }

    /// <summary>
    /// Runs the server side of the TLS handshake of an accepted socket, attached to the server
    /// while it runs; then <paramref name="serve"/> makes (and attaches) the connection.
    /// </summary>
    /// <remarks>
    /// asyncio 3.12 <c>_accept_connection2</c>: the server keeps serving a handshake begun before
    /// <see cref="Close"/>, which <see cref="WaitClosedAsync"/> waits for; a failed or timed-out
    /// handshake closes the socket and is reported only in debug mode ("Error on transport
    /// creation for incoming connection"; <c>SSLProtocol._fatal_error</c> only logs an
    /// <c>OSError</c>).
    /// </remarks>
    internal void StartHandshake(Socket client, SslServerAuthenticationOptions ssl, TimeSpan timeout, Action<Server, Socket, SslStream> serve)
    {
        var handshake = new PendingHandshake();
        _clients.Add(handshake); // before it starts: a handshake that fails at once detaches what is there
        Loop._openTransportCount++; // the handshaking socket, until its transport counts it
        Loop.StartDetached(static s =>
        {
            var (server, client, ssl, timeout, handshake, serve) = ((Server, Socket, SslServerAuthenticationOptions, TimeSpan, PendingHandshake, Action<Server, Socket, SslStream>))s;
            return server.HandshakeAsync(client, ssl, timeout, handshake, serve);
        }, (this, client, ssl, timeout, handshake, serve));
    }

    private async Task HandshakeAsync(Socket client, SslServerAuthenticationOptions ssl, TimeSpan timeout, PendingHandshake handshake, Action<Server, Socket, SslStream> serve)
    {
        SslStream tls;
        try
        {
            tls = await TlsHandshake.AuthenticateAsync(Loop, client, null, ssl, timeout, handshake.Aborting.Token);
        }
        catch (Exception exception)
        {
            TlsHandshake.CloseQuietly(client);
            Loop._openTransportCount--;
            if (Loop.Debug && !handshake.Aborting.IsCancellationRequested)
                Loop.CallExceptionHandler(new ExceptionContext("Error on transport creation for incoming connection") { Exception = exception });
            Detach(handshake);
            return;
        }
        Loop._openTransportCount--;
        // The connection attaches before the handshake detaches: a closed server's count of
        // connections never touches zero in between.
        serve(this, client, tls);
        Detach(handshake);
    }

    /// <summary>A connection in its TLS handshake, as <see cref="CloseClients"/> and <see cref="AbortClients"/> see it: either ends the handshake, which closes the socket.</summary>
    private sealed class PendingHandshake : IServedConnection
    {
        public readonly CancellationTokenSource Aborting = new();

        public void Close() => Aborting.Cancel();

        public void Abort() => Aborting.Cancel();
    }

    private void ServeStreams(Socket client, SslStream? tls)
    {
        var reader = new LoopStreamReader(_limit, Loop);
        StreamTransport transport = tls is null
            ? new ProtocolStreamTransport(Loop, client, reader)
            : new SocketTransport(Loop, client, reader, tls) { SslOptions = _ssl };
        var writer = new LoopStreamWriter(transport, reader);
        Attach(transport);
        transport.OnLost = Detach;
        transport.Start();
        var task = Loop.CreateTask(() => _handler!(reader, writer));
        task.AddDoneCallback(done =>
        {
            // asyncio 3.12 StreamReaderProtocol: a cancelled or failed handler closes its connection.
            if (done.Cancelled)
            {
                transport.Close();
                return;
            }
            if (done.Exception() is { } exception)
            {
                Loop.CallExceptionHandler(new ExceptionContext("Unhandled exception in client_connected_cb")
                {
                    Exception = exception,
                });
                transport.Close();
            }
        });
    }

    /// <summary>asyncio's <c>Server._attach</c>: the connection counts until it detaches.</summary>
    internal void Attach(IServedConnection connection) => _clients.Add(connection);

    internal void Detach(IServedConnection transport)
    {
        _clients.Remove(transport);
        if (_clients.Count == 0 && _sockets is null)
            WakeUp();
    }

    private void WakeUp()
    {
        var waiters = _waiters;
        _waiters = null;
        if (waiters is null)
            return;
        foreach (var waiter in waiters)
        {
            if (!waiter.Done)
                waiter.SetResult(true);
        }
    }

    /// <summary>Stops listening and closes the listening sockets; accepted connections stay open: asyncio's <c>server.close()</c>.</summary>
    /// <remarks>asyncio: <c>server.close()</c>. Idempotent. A Unix server's socket file goes with its socket (3.13's <c>cleanup_socket</c>).</remarks>
    public void Close()
    {
        Loop.CheckThread(nameof(Close));
        var sockets = _sockets;
        if (sockets is null)
            return;
        _sockets = null;
        _serving = false;
        foreach (var socket in sockets)
        {
            socket.Dispose();
            Loop._openTransportCount--;
        }
        if (_servingForever is { Done: false } forever)
        {
            _servingForever = null;
            forever.Cancel();
        }
        if (_clients.Count == 0)
            WakeUp();
    }

    /// <summary>Closes every accepted connection, after what each has buffered is sent: asyncio 3.13's <c>server.close_clients()</c>.</summary>
    public void CloseClients()
    {
        Loop.CheckThread(nameof(CloseClients));
        foreach (var client in _clients.ToArray())
            client.Close();
    }

    /// <summary>Closes every accepted connection at once: asyncio 3.13's <c>server.abort_clients()</c>.</summary>
    public void AbortClients()
    {
        Loop.CheckThread(nameof(AbortClients));
        foreach (var client in _clients.ToArray())
            client.Abort();
    }

    /// <summary>Waits until the server is closed and every accepted connection with it: asyncio's <c>await server.wait_closed()</c>.</summary>
    /// <remarks>asyncio: <c>server.wait_closed()</c> (3.12.1 and later: returns at once only when already fully closed).</remarks>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when it fires, from any thread; the server is left as it is.</param>
    public Task WaitClosedAsync(CancellationToken cancellationToken = default)
    {
        Loop.CheckThread(nameof(WaitClosedAsync));
        return WaitClosedCoreAsync(cancellationToken);
    }

    private async Task WaitClosedCoreAsync(CancellationToken cancellationToken)
    {
        if (_waiters is null)
            return;
        cancellationToken.ThrowIfCancellationRequested();
        var waiter = Loop.CreateFuture<bool>();
        _waiters.Add(waiter);
        using var registration = Internal.TokenCancellation.Register(waiter, cancellationToken);
        try
        {
            await waiter;
        }
        finally
        {
            // A cancelled wait leaves no Future behind in the list.
            _waiters?.Remove(waiter);
        }
    }

    /// <summary>Serves until cancelled; cancellation closes the server and waits for it: asyncio's <c>await server.serve_forever()</c>.</summary>
    /// <remarks>
    /// asyncio: <c>server.serve_forever()</c>. Throws <see cref="InvalidOperationException"/>
    /// when another call is already serving forever, or when the server is closed.
    /// </remarks>
    /// <param name="cancellationToken">Cancels the serving as cancelling the task would: the server closes, its connections are waited for, then <see cref="OperationCanceledException"/> is thrown.</param>
    public Task ServeForeverAsync(CancellationToken cancellationToken = default)
    {
        Loop.CheckThread(nameof(ServeForeverAsync));
        return ServeForeverCoreAsync(cancellationToken);
    }

    private async Task ServeForeverCoreAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_servingForever is not null)
            ThrowHelper.ServerAlreadyServing(this);
        if (_sockets is null)
            ThrowHelper.ServerClosed(this);
        BeginAccepting();
        var forever = Loop.CreateFuture<bool>();
        _servingForever = forever;
        using var registration = Internal.TokenCancellation.Register(forever, cancellationToken);
        try
        {
            await forever;
        }
        catch (CancelledError)
        {
            // asyncio: close, wait for the connections, then re-raise the CancelledError.
            Close();
            await WaitClosedCoreAsync(default);
            throw;
        }
        finally
        {
            if (ReferenceEquals(_servingForever, forever))
                _servingForever = null;
        }
    }

    /// <summary>Closes the server and waits for it: asyncio's <c>async with server</c> exit.</summary>
    public ValueTask DisposeAsync()
    {
        Loop.CheckThread(nameof(DisposeAsync));
        Close();
        return new ValueTask(WaitClosedCoreAsync(default));
    }

    /// <summary>asyncio's repr: <c>&lt;Server sockets=(...)&gt;</c>.</summary>
    public override string ToString()
    {
        var sockets = _sockets;
        if (sockets is null)
            return "<Server sockets=()>";
        return "<Server sockets=(" + string.Join(", ", sockets.Select(s => s.LocalEndPoint?.ToString())) + ")>";
    }
}
