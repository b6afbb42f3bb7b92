using System.Diagnostics.CodeAnalysis;

namespace Asyncio.Internal;

// The I/O parts' errors: asyncio streams.py, transports.py, selector_events.py, sslproto.py,
// base_events.py's endpoints and servers.
internal static partial class ThrowHelper
{
    /// <summary>asyncio <c>StreamReader(limit)</c>'s <c>ValueError</c>, also met through open_connection, start_server and the subprocess functions.</summary>
    [DoesNotReturn]
    public static void StreamLimit() => throw new ArgumentOutOfRangeException(null, "Limit cannot be <= 0");

    /// <summary>asyncio <c>StreamReader.readexactly()</c>'s <c>ValueError</c>.</summary>
    [DoesNotReturn]
    public static void ReadExactlyNegative() => throw new ArgumentOutOfRangeException(null, "readexactly size can not be less than zero");

    /// <summary>asyncio <c>StreamReader.readuntil()</c>'s <c>ValueError</c>.</summary>
    [DoesNotReturn]
    public static void EmptySeparator() => throw new ArgumentException("Separator should be at least one-byte string");

    /// <summary>asyncio <c>StreamReader._wait_for_data()</c>'s <c>RuntimeError</c>.</summary>
    public static InvalidOperationException ConcurrentReadError(string functionName) =>
        new($"{functionName}() called while another coroutine is already waiting for incoming data");

    /// <summary>asyncio <c>_set_write_buffer_limits</c>' <c>ValueError</c> (transports.py, sslproto.py).</summary>
    [DoesNotReturn]
    public static void WriteBufferLimits(long high, long low) => throw new ArgumentException($"high ({high}) must be >= low ({low}) must be >= 0");

    /// <summary>No twin: Python's integers have no ceiling, an int's high-water mark has.</summary>
    [DoesNotReturn]
    public static void WriteBufferHighTooLarge(long high) =>
        throw new ArgumentException($"high ({high}) must be <= {int.MaxValue}; give high explicitly with a low this large");

    /// <summary>asyncio's transports' <c>RuntimeError</c> on a write after <c>write_eof()</c>.</summary>
    [DoesNotReturn]
    public static void WriteAfterEof() => throw new InvalidOperationException("Cannot call write() after write_eof()");

    /// <summary>asyncio's <c>RuntimeError</c> when a buffered protocol's <c>get_buffer()</c> returns an empty buffer.</summary>
    public static InvalidOperationException EmptyGetBufferError() => new("get_buffer() returned an empty buffer");

    /// <summary>asyncio <c>DatagramTransport.sendto()</c>'s <c>ValueError</c> on a connected endpoint.</summary>
    [DoesNotReturn]
    public static void InvalidDatagramAddress(object remote) => throw new ArgumentException($"Invalid address: must be None or {remote}");

    /// <summary>asyncio <c>create_datagram_endpoint()</c>'s <c>ValueError</c> without any address.</summary>
    [DoesNotReturn]
    public static void UnexpectedAddressFamily() => throw new ArgumentException("unexpected address family");

    /// <summary>asyncio's <c>ValueError</c> for <c>reuse_port</c>, as .NET's type for a platform without it.</summary>
    [DoesNotReturn]
    public static void ReusePortUnsupported() => throw new PlatformNotSupportedException("reuse_port not supported by socket module");

    /// <summary>asyncio's <c>ValueError</c> from create_connection, start_server and start_tls (sslproto.py).</summary>
    [DoesNotReturn]
    public static void SslHandshakeTimeout(string seconds) =>
        throw new ArgumentOutOfRangeException(null, $"ssl_handshake_timeout should be a positive number, got {seconds}");

    /// <summary>asyncio's handshake <c>TimeoutError</c> (sslproto.py).</summary>
    public static TimeoutException SslHandshakeTimedOutError(string seconds) =>
        new($"SSL handshake is taking longer than {seconds} seconds: aborting the connection");

    /// <summary>asyncio <c>loop.start_tls()</c>'s <c>TypeError</c>.</summary>
    public static InvalidOperationException StartTlsUnsupportedError(object transport) => new($"transport {transport} is not supported by start_tls()");

    /// <summary>asyncio <c>Server.serve_forever()</c>'s <c>RuntimeError</c>.</summary>
    [DoesNotReturn]
    public static void ServerAlreadyServing(object server) => throw new InvalidOperationException($"server {server} is already being awaited on serve_forever()");

    /// <summary>asyncio <c>Server.serve_forever()</c>'s <c>RuntimeError</c>.</summary>
    [DoesNotReturn]
    public static void ServerClosed(object server) => throw new InvalidOperationException($"server {server} is closed");

    /// <summary>Python's <c>Popen.send_signal()</c> on Windows: <c>ValueError</c>.</summary>
    [DoesNotReturn]
    public static void UnsupportedSignal(int signal) => throw new ArgumentException($"Unsupported signal: {signal}");

    /// <summary>selectors' <c>_fileobj_to_fd</c> <c>ValueError</c>.</summary>
    public static ArgumentOutOfRangeException InvalidFileDescriptorError(int fd) => new(null, $"Invalid file descriptor: {fd}");

    /// <summary>asyncio <c>_ensure_fd_no_transport</c>'s <c>ValueError</c>: a handle with no descriptor (closed, invalid).</summary>
    public static ArgumentException InvalidFileObjectError(object handle) => new($"Invalid file object: {handle}");

    /// <summary>asyncio <c>_ensure_fd_no_transport</c>'s <c>RuntimeError</c>.</summary>
    public static InvalidOperationException DescriptorOwnedError(int fd, object transport) =>
        new($"File descriptor {fd} is used by transport {transport}");

    /// <summary>No twin on Unix: asyncio's proactor loop (Windows) raises a bare <c>NotImplementedError</c> for the descriptor callbacks.</summary>
    /// <remarks>Names both reasons a loop has no selector: no epoll, or the option turned off.</remarks>
    public static PlatformNotSupportedException NoSelectorError(string operation) =>
        new($"{operation}() needs a readiness selector (Linux epoll, EventLoopOptions.UseSelector); on this loop use the socket, stream and protocol APIs");

    /// <summary>Python's <c>OSError</c> as its <c>str()</c> shows it, <c>[Errno 1] Operation not permitted</c>, with the native error inside.</summary>
    public static IOException OSError(System.ComponentModel.Win32Exception exception) =>
        new($"[Errno {exception.NativeErrorCode}] {exception.Message}", exception);
}
