using System.Net;
using System.Net.Sockets;

namespace Asyncio;

/// <summary>One result of <see cref="SocketOperations.GetAddrInfoAsync"/>: asyncio's <c>(family, type, proto, canonname, sockaddr)</c> tuple.</summary>
/// <param name="Family">The address family (asyncio's <c>family</c>).</param>
/// <param name="SocketType">The socket type (asyncio's <c>type</c>).</param>
/// <param name="ProtocolType">The protocol (asyncio's <c>proto</c>).</param>
/// <param name="CanonicalName">The canonical host name; empty as asyncio's <c>canonname</c> is without <c>AI_CANONNAME</c>.</param>
/// <param name="EndPoint">The address and port (asyncio's <c>sockaddr</c>).</param>
public readonly record struct AddressInfo(AddressFamily Family, SocketType SocketType, ProtocolType ProtocolType, string CanonicalName, IPEndPoint EndPoint);
