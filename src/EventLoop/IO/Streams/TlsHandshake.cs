using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using Asyncio.Internal;

namespace Asyncio;

/// <summary>The TLS handshake of a connection on the loop, bounded by asyncio's <c>ssl_handshake_timeout</c>.</summary>
internal static class TlsHandshake
{
    /// <summary>asyncio's <c>constants.SSL_HANDSHAKE_TIMEOUT</c>: 60 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    // asyncio's check in loop.create_connection / start_server / start_tls, with its message.
    public static TimeSpan CheckTimeout(TimeSpan? timeout)
    {
        if (timeout is { } given && given <= TimeSpan.Zero)
            ThrowHelper.SslHandshakeTimeout(PythonSeconds(given));
        return timeout ?? DefaultTimeout;
    }

    /// <summary>asyncio's check in <c>create_unix_connection</c>: a path gives no host name to check the certificate against, so the caller names one (the empty string: none).</summary>
    public static void CheckServerHostname(SslClientAuthenticationOptions ssl)
    {
        ArgumentNullException.ThrowIfNull(ssl);
        if (ssl.TargetHost is null)
            throw new ArgumentException("you have to pass server_hostname when using ssl"); // asyncio's exact ValueError text
    }

    /// <summary>Python's <c>str()</c> of the timeout in seconds, as asyncio's messages print it: 60.0, 0.5.</summary>
    public static string PythonSeconds(TimeSpan timeout)
    {
        double seconds = timeout.TotalSeconds;
        return seconds == Math.Floor(seconds) && Math.Abs(seconds) < 1e16
            ? seconds.ToString("0.0", CultureInfo.InvariantCulture)
            : seconds.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Runs the handshake over <paramref name="socket"/> as a client (<paramref name="client"/>)
    /// or a server (<paramref name="server"/>). On failure the SslStream is disposed and the
    /// socket is left to the caller; a handshake past <paramref name="timeout"/> of loop time
    /// throws asyncio's message as a <see cref="TimeoutException"/>.
    /// </summary>
    public static async Task<SslStream> AuthenticateAsync(EventLoop loop, Socket socket, SslClientAuthenticationOptions? client, SslServerAuthenticationOptions? server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var inner = new ProbedNetworkStream(socket);
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var aborting = new CancellationTokenSource();
        var authenticating = client is not null
            ? ssl.AuthenticateAsClientAsync(client, aborting.Token)
            : ssl.AuthenticateAsServerAsync(server!, aborting.Token);
        var done = loop.WrapFuture(authenticating, aborting);
        bool timedOut = false;
        // On the loop's clock, as asyncio's call_later: under virtual time the clock reaches it
        // only while the handshake waits on a silent peer (see ProbedNetworkStream).
        var timer = loop.CallLater(timeout, () =>
        {
            timedOut = true;
            aborting.Cancel();
        });
        loop.ProbedWaitStarted(inner);
        using var registration = TokenCancellation.Register(done, cancellationToken);
        try
        {
            await done;
        }
        catch (Exception) when (timedOut)
        {
            ssl.Dispose();
            // asyncio 3.12 sslproto.py _check_handshake_timeout (a ConnectionAbortedError there).
            throw ThrowHelper.SslHandshakeTimedOutError(PythonSeconds(timeout));
        }
        catch (Exception)
        {
            ssl.Dispose();
            throw;
        }
        finally
        {
            timer.Cancel();
            loop.ProbedWaitEnded(inner);
        }
        return ssl;
    }

    /// <summary>The handshake of a socket counted in <see cref="EventLoop._openTransportCount"/>, for a transport to take over; on failure the socket is closed and uncounted before the error goes on.</summary>
    /// <remarks>On success the count is the caller's to hand over: the transport it makes counts the socket from then on.</remarks>
    public static async Task<SslStream> AuthenticateOrCloseAsync(EventLoop loop, Socket socket, SslClientAuthenticationOptions? client, SslServerAuthenticationOptions? server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await AuthenticateAsync(loop, socket, client, server, timeout, cancellationToken);
        }
        catch
        {
            CloseQuietly(socket);
            loop._openTransportCount--;
            throw;
        }
    }

    /// <summary>Closes a socket whose handshake failed with a FIN, not an RST: .NET resets a socket disposed with an operation pending unless it was shut down first.</summary>
    public static void CloseQuietly(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Not connected any more: nothing to shut down.
        }
        socket.Dispose();
    }

    /// <summary>A copy of <paramref name="options"/> whose <c>TargetHost</c> is <paramref name="host"/> when none was given: asyncio's <c>server_hostname</c> defaults to the host.</summary>
    /// <remarks>A copy, so that the caller's options object is never changed under it.</remarks>
    public static SslClientAuthenticationOptions WithTargetHost(SslClientAuthenticationOptions options, string host)
    {
        if (!string.IsNullOrEmpty(options.TargetHost))
            return options;
        return new SslClientAuthenticationOptions
        {
            AllowRenegotiation = options.AllowRenegotiation,
            AllowTlsResume = options.AllowTlsResume,
            ApplicationProtocols = options.ApplicationProtocols,
            CertificateChainPolicy = options.CertificateChainPolicy,
            CertificateRevocationCheckMode = options.CertificateRevocationCheckMode,
            CipherSuitesPolicy = options.CipherSuitesPolicy,
            ClientCertificateContext = options.ClientCertificateContext,
            ClientCertificates = options.ClientCertificates,
            EnabledSslProtocols = options.EnabledSslProtocols,
            LocalCertificateSelectionCallback = options.LocalCertificateSelectionCallback,
            RemoteCertificateValidationCallback = options.RemoteCertificateValidationCallback,
            TargetHost = host,
        };
    }
}
