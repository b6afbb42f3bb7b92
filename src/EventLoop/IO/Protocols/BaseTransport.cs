namespace Asyncio;

/// <summary>What every transport has: asyncio's <c>asyncio.BaseTransport</c>.</summary>
/// <remarks>
/// <para>asyncio: <c>asyncio.BaseTransport</c>. Made by the loop (<c>CreateConnectionAsync</c>,
/// <c>CreateServerAsync</c>, <c>CreateDatagramEndpointAsync</c>), not by user code.</para>
/// <para>Loop-affine: while its loop runs, a call from another thread throws
/// <see cref="InvalidOperationException"/> before anything changes.</para>
/// </remarks>
public abstract class BaseTransport
{
    private protected BaseTransport(EventLoop loop)
    {
        Loop = loop;
    }

    /// <summary>The loop the transport runs on.</summary>
    public EventLoop Loop { get; }

    /// <summary>Whether the transport is closing or closed: asyncio's <c>is_closing()</c>.</summary>
    public abstract bool IsClosing { get; }

    /// <summary>Optional information about the transport: asyncio's <c>get_extra_info(name, default=None)</c>.</summary>
    /// <param name="name"><c>"peername"</c> and <c>"sockname"</c> (an <see cref="System.Net.EndPoint"/>), <c>"socket"</c> (the <see cref="System.Net.Sockets.Socket"/>); over TLS also <c>"ssl_object"</c> (the <see cref="System.Net.Security.SslStream"/>), <c>"peercert"</c>, <c>"cipher"</c> (a <see cref="System.Net.Security.TlsCipherSuite"/>) and <c>"sslcontext"</c> (the TLS options).</param>
    /// <param name="defaultValue">Returned for an unknown name or a value that is not there (a closed socket's address).</param>
    public abstract object? GetExtraInfo(string name, object? defaultValue = null);

    /// <summary>Closes the transport: asyncio's <c>close()</c>.</summary>
    /// <remarks>What is buffered is still sent; then the protocol's <see cref="BaseProtocol.ConnectionLost"/> runs with <see langword="null"/>, in a later iteration. Idempotent.</remarks>
    public abstract void Close();
}
