using System.Net;
using System.Net.Sockets;

namespace Asyncio;

/// <summary>What every transport of this library does the same way around its protocol: asyncio's <c>_SelectorTransport</c> and <c>_FlowControlMixin</c> helpers.</summary>
internal static class ProtocolCalls
{
    /// <summary>asyncio's transport <c>__init__</c>: <c>connection_made</c>, then start reading, then <paramref name="waiter"/>, each in its own callback, in that order.</summary>
    public static void ScheduleStart<TTransport>(EventLoop loop, TTransport transport, Action<TTransport> connectionMade, Action<TTransport> startReading, Future<bool>? waiter)
        where TTransport : class
    {
        loop.CallSoon(connectionMade, transport);
        loop.CallSoon(startReading, transport);
        if (waiter is not null)
            loop.CallSoon(static w => { if (!w.Done) w.SetResult(true); }, waiter);
    }

    /// <summary>A stream protocol's <c>connection_made(transport)</c>, a <see cref="Protocol"/>'s or a <see cref="BufferedProtocol"/>'s.</summary>
    public static void ConnectionMade(BaseProtocol protocol, Transport transport)
    {
        if (protocol is Protocol plain)
            plain.ConnectionMade(transport);
        else
            ((BufferedProtocol)protocol).ConnectionMade(transport);
    }

    /// <summary>asyncio's <c>_maybe_pause_protocol</c>: once the buffer is over the high-water mark, <c>pause_writing</c>, once until resumed.</summary>
    public static void MaybePauseWriting(EventLoop loop, BaseProtocol protocol, ref bool paused, int bufferSize, int highWater)
    {
        if (bufferSize <= highWater || paused)
            return;
        paused = true;
        PauseWriting(loop, protocol);
    }

    /// <summary>asyncio's <c>_maybe_resume_protocol</c>: once a paused protocol's buffer is down to the low-water mark, <c>resume_writing</c>.</summary>
    public static void MaybeResumeWriting(EventLoop loop, BaseProtocol protocol, ref bool paused, int bufferSize, int lowWater)
    {
        if (!paused || bufferSize > lowWater)
            return;
        paused = false;
        ResumeWriting(loop, protocol);
    }

    /// <summary>asyncio's <c>_maybe_pause_protocol</c> call: <c>pause_writing</c>, its failure reported, never raised.</summary>
    public static void PauseWriting(EventLoop loop, BaseProtocol protocol)
    {
        try
        {
            protocol.PauseWriting();
        }
        catch (Exception exception)
        {
            loop.CallExceptionHandler(new ExceptionContext("protocol.pause_writing() failed") { Exception = exception });
        }
    }

    /// <summary>asyncio's <c>_maybe_resume_protocol</c> call: <c>resume_writing</c>, its failure reported, never raised.</summary>
    public static void ResumeWriting(EventLoop loop, BaseProtocol protocol)
    {
        try
        {
            protocol.ResumeWriting();
        }
        catch (Exception exception)
        {
            loop.CallExceptionHandler(new ExceptionContext("protocol.resume_writing() failed") { Exception = exception });
        }
    }

    /// <summary>The peer's (<paramref name="remote"/>) or the local address of <paramref name="socket"/>; null once it is closed or not connected.</summary>
    public static EndPoint? SafeEndPoint(Socket socket, bool remote)
    {
        try
        {
            return remote ? socket.RemoteEndPoint : socket.LocalEndPoint;
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            return null;
        }
    }
}
