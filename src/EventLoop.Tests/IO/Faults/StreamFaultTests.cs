using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Asyncio.Tests.IO.Tls;
using Asyncio.Tests.Reliability.Boundary;
using static Asyncio.Tests.IO.Faults.FaultCollection;

namespace Asyncio.Tests.IO.Faults;

/// <summary>
/// Hostile peers and failures against the streams API (OpenConnectionAsync, StartServerAsync), on
/// loopback, each run bounded in time. Each ends in a clear exception, the loop runs one more
/// callback after it, and the process has as many sockets open as before.
/// </summary>
/// <remarks>
/// No test assumes which side's socket event the loop sees first: each waits for the event it
/// asserts (a Future the other side sets) rather than for an order.
/// </remarks>
[Collection(FaultCollection.Name)]
public class StreamFaultTests : LoopTest
{
    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static string S(byte[] b) => Encoding.ASCII.GetString(b);

    private static void AssertLoopGoesOn(EventLoop loop)
    {
        bool ran = false;
        loop.CallSoon(() => ran = true);
        RunOnce(loop);
        Assert.True(ran);
    }

    private static void AssertConnectionError(Exception error)
    {
        var socketError = Assert.IsType<SocketException>(error);
        // ECONNRESET when the reset meets a pending send or receive; EPIPE (.NET: Shutdown) when a send starts after it.
        Assert.Contains(socketError.SocketErrorCode, new[] { SocketError.ConnectionReset, SocketError.Shutdown });
    }

    [Fact]
    public void Drain_PeerResetsWhileTheWriteIsInFlight_ThrowsConnectionResetAndTheReaderToo()
    {
        int socketsBefore = OpenSockets();
        var loop = NewRealLoop();
        var (drainError, readError, bufferedBeforeReset) = Run(loop, async () =>
        {
            var peer = loop.CreateFuture<LoopStreamWriter>();
            var server = await loop.StartServerAsync((r, w) =>
            {
                peer.SetResult(w); // never reads
                return Task.CompletedTask;
            }, "127.0.0.1", 0);
            var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", PortOf(server));
            // More than the loopback socket buffers of both sides hold while the peer does not read.
            writer.Write(new byte[32 * 1024 * 1024]);
            var drain = writer.DrainAsync();
            var peerWriter = await peer;
            int bufferedBeforeReset = writer.WriteBufferSize;
            ResetOnClose((Socket)peerWriter.GetExtraInfo("socket")!);
            peerWriter.Abort();
            var drainError = await Raises<SocketException>(() => drain);
            var readError = await Raises<SocketException>(() => reader.ReadAsync());
            writer.Close();
            server.Close();
            await server.WaitClosedAsync();
            return (drainError, readError, bufferedBeforeReset);
        });
        Assert.True(bufferedBeforeReset > 0, "the write was still in flight at the reset");
        AssertConnectionError(drainError);
        Assert.Same(drainError, readError);
        AssertLoopGoesOn(loop);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void WriteEof_PeerReadsToEofThenAnswers_TheHalfClosedWriterStillWrites()
    {
        int socketsBefore = OpenSockets();
        var loop = NewRealLoop();
        var (answer, rest, serverAtEof) = Run(loop, async () =>
        {
            var serverAtEof = loop.CreateFuture<bool>();
            var server = await loop.StartServerAsync(async (r, w) =>
            {
                var all = await r.ReadAsync(); // to EOF
                serverAtEof.SetResult(r.AtEof);
                w.Write(B($"got {all.Length} bytes\n")); // the half-closed connection still carries this
                await w.DrainAsync();
                w.Close();
                await w.WaitClosedAsync();
            }, "127.0.0.1", 0);
            var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", PortOf(server));
            Assert.True(writer.CanWriteEof);
            writer.Write(B("hello"));
            writer.WriteEof();
            var answer = S(await reader.ReadLineAsync());
            var rest = await reader.ReadAsync();
            writer.Close();
            await writer.WaitClosedAsync();
            server.Close();
            await server.WaitClosedAsync();
            return (answer, rest, await serverAtEof);
        });
        Assert.Equal("got 5 bytes\n", answer);
        Assert.Empty(rest);
        Assert.True(serverAtEof);
        AssertLoopGoesOn(loop);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void ReadLine_PeerSendsWithoutEnd_ReaderPausesWithinTheLimitAndThrowsAsyncioMessage()
    {
        const int limit = 1024;
        const int chunk = 16 * 1024;
        const int receiveSize = 64 * 1024; // one receive of the transport
        int socketsBefore = OpenSockets();
        var loop = NewRealLoop();
        var (pausedAt, stillAt, lineError, serverError, largestWriteBuffer, high) = Run(loop, async () =>
        {
            var serverDone = loop.CreateFuture<(Exception Error, int Largest, int High)>();
            var server = await loop.StartServerAsync(async (r, w) =>
            {
                // A peer that writes a line without end, as fast as drain lets it.
                var bytes = new byte[chunk];
                Array.Fill(bytes, (byte)'a');
                int largest = 0;
                try
                {
                    while (true)
                    {
                        w.Write(bytes);
                        largest = Math.Max(largest, w.WriteBufferSize);
                        await w.DrainAsync();
                    }
                }
                catch (Exception e)
                {
                    serverDone.SetResult((e, largest, w.GetWriteBufferLimits().High));
                }
                w.Close();
            }, "127.0.0.1", 0);
            var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", PortOf(server), limit: limit);
            // Nobody reads: the reader pauses the transport once over twice its limit.
            while (!reader.IsPaused)
                await loop.Sleep(0.001);
            int pausedAt = reader.BufferedCount;
            await loop.Sleep(0.05); // paused: nothing more is buffered meanwhile
            int stillAt = reader.BufferedCount;
            var lineError = await Raises<ArgumentException>(() => reader.ReadLineAsync());
            writer.Abort();
            var (serverError, largest, high) = await serverDone;
            server.Close();
            await server.WaitClosedAsync();
            return (pausedAt, stillAt, lineError, serverError, largest, high);
        });
        Assert.InRange(pausedAt, 2 * limit + 1, 2 * limit + receiveSize);
        Assert.Equal(pausedAt, stillAt);
        Assert.Equal("Separator is not found, and chunk exceed the limit", lineError.Message);
        AssertConnectionError(serverError);
        Assert.InRange(largestWriteBuffer, 1, high + chunk);
        AssertLoopGoesOn(loop);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void Drain_PeerNeverReads_BlocksAtTheHighWaterMarkAndItsCancellationEndsOnlyTheWait()
    {
        const int chunk = 16 * 1024;
        const int high = 64 * 1024;
        int socketsBefore = OpenSockets();
        var loop = NewRealLoop();
        var (blockedAt, afterCancel, cancelled, writes) = Run(loop, async () =>
        {
            var release = loop.CreateFuture<bool>();
            var server = await loop.StartServerAsync(async (r, w) =>
            {
                await release; // never reads
                w.Close();
            }, "127.0.0.1", 0);
            var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", PortOf(server));
            writer.SetWriteBufferLimits(high: high);
            using var cancel = new CancellationTokenSource();
            Task drain;
            int writes = 0;
            while (true)
            {
                writer.Write(new byte[chunk]);
                writes++;
                drain = writer.DrainAsync(cancel.Token);
                if (!drain.IsCompleted)
                    break; // over the high-water mark: the drain waits
                await drain;
                if (writes > 100_000)
                    throw new InvalidOperationException("the drain never blocked");
            }
            int blockedAt = writer.WriteBufferSize;
            cancel.Cancel();
            OperationCanceledException? cancelled = null;
            try
            {
                await drain;
            }
            catch (OperationCanceledException e)
            {
                cancelled = e; // or its subclass TaskCanceledException: either says the wait was cancelled
            }
            int afterCancel = writer.WriteBufferSize; // the buffer is untouched by the cancellation
            writer.Abort();
            release.SetResult(true);
            server.Close();
            await server.WaitClosedAsync();
            return (blockedAt, afterCancel, cancelled, writes);
        });
        Assert.InRange(blockedAt, high + 1, high + chunk);
        Assert.InRange(afterCancel, high + 1, high + chunk);
        Assert.True(writes > high / chunk);
        Assert.NotNull(cancelled);
        AssertLoopGoesOn(loop);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void OpenConnection_TlsServerCertificateRejected_ThrowsAuthenticationException()
    {
        int socketsBefore = OpenSockets();
        var loop = NewLoop();
        var error = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            // .NET's client checks the certificate after the handshake: the server may see a
            // connection, which its handler closes (wait_closed waits for it).
            var server = await l.StartServerAsync((r, w) =>
            {
                w.Close();
                return Task.CompletedTask;
            }, "127.0.0.1", 0, TestCertificates.Server());
            var error = await Raises<AuthenticationException>(() => l.OpenConnectionAsync("127.0.0.1", PortOf(server), TestCertificates.Client(trust: false)));
            server.Close();
            await server.WaitClosedAsync();
            // The server's side may still be in its handshake, which WaitClosedAsync does not wait
            // for: it fails at the client's close, and closes its socket then.
            while (l._openTransportCount > 0)
                await l.Sleep(0);
            return error;
        }));
        Assert.Contains("RemoteCertificateValidationCallback", error.Message);
        AssertLoopGoesOn(loop);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void OpenConnection_TlsHandshakeStallsPastTheTimeout_ThrowsTimeoutAtThatLoopTime()
    {
        int socketsBefore = OpenSockets();
        var loop = NewLoop();
        var (error, time) = OwnThread.Run(loop, l => l.RunUntilComplete(async () =>
        {
            var stalled = l.CreateFuture<bool>();
            // A plain server: it takes the ClientHello and never answers.
            var server = await l.StartServerAsync(async (r, w) =>
            {
                await r.ReadAsync();
                w.Close();
                stalled.SetResult(true);
            }, "127.0.0.1", 0);
            var error = await Raises<TimeoutException>(() => l.OpenConnectionAsync("127.0.0.1", PortOf(server), TestCertificates.Client(), sslHandshakeTimeout: TimeSpan.FromSeconds(3)));
            var time = l.Time();
            await stalled;
            server.Close();
            await server.WaitClosedAsync();
            return (error, time);
        }));
        Assert.Equal("SSL handshake is taking longer than 3.0 seconds: aborting the connection", error.Message);
        Assert.Equal(3.0, time);
        AssertLoopGoesOn(loop);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [Fact]
    public void OpenConnection_PortNotListening_ThrowsConnectionRefused()
    {
        int socketsBefore = OpenSockets();
        var loop = NewRealLoop();
        var error = Run(loop, async () =>
        {
            using var closed = BoundNotListening();
            return await Raises<SocketException>(() => loop.OpenConnectionAsync("127.0.0.1", ((System.Net.IPEndPoint)closed.LocalEndPoint!).Port));
        });
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        AssertLoopGoesOn(loop);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }

    [ResolverAnswersFact]
    public void OpenConnection_NameDoesNotResolve_ThrowsHostNotFound()
    {
        int socketsBefore = OpenSockets();
        var loop = NewRealLoop();
        var error = Run(loop, () => Raises<SocketException>(() => loop.OpenConnectionAsync(ResolverAnswersFactAttribute.Name, 80)), seconds: 30);
        Assert.Equal(SocketError.HostNotFound, error.SocketErrorCode);
        AssertLoopGoesOn(loop);
        Assert.Equal(0, loop._openTransportCount);
        AssertNoSocketLeft(socketsBefore);
    }
}
