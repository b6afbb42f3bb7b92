using System.Net;
using System.Runtime.ExceptionServices;
using Asyncio;

namespace Examples.LoopPerCore;

/// <summary>One event loop on a thread of its own, serving echo on a port it shares with the other loops.</summary>
internal sealed class ServingLoop
{
    private readonly string _host;
    private readonly int _requestedPort;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _ready = new();
    // Written by the loop's thread before _ready is set, read by the main thread after it.
    private EventLoop? _loop;
    private int _port;
    private Exception? _failure;
    // The loop's thread only while it runs: the handlers all run there, so no lock. The main
    // thread reads it after Join, which orders the reads after the last write.
    private int _served;
    // Loop thread only: the handlers still running, and what a stopping loop waits on for them.
    private int _active;
    private Future<bool>? _allEnded;

    public ServingLoop(int index, string host, int port)
    {
        _host = host;
        _requestedPort = port;
        _thread = new Thread(Run) { Name = $"loop {index}", IsBackground = true };
    }

    /// <summary>Starts the thread and waits until its server listens; returns the port (the free one picked for port 0).</summary>
    public int Start()
    {
        _thread.Start();
        _ready.Wait();
        if (_failure is not null)
        {
            _thread.Join();
            ExceptionDispatchInfo.Throw(_failure);
        }
        return _port;
    }

    /// <summary>Asks the loop to stop, from any thread: <c>Stop</c> itself belongs to the loop's thread, so it is posted there.</summary>
    public void Stop() => _loop!.CallSoonThreadsafe(_loop.Stop);

    /// <summary>Waits for the thread to end (its server closed, its connections closed, its loop closed); returns how many connections it served.</summary>
    public int Join()
    {
        _thread.Join();
        return _served;
    }

    private void Run()
    {
        using var loop = new EventLoop();
        Server server;
        try
        {
            server = loop.RunUntilComplete(() => loop.StartServerAsync(EchoAsync, _host, _requestedPort, reusePort: true));
        }
        catch (Exception e)
        {
            _failure = e;
            _ready.Set();
            return;
        }
        _port = ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;
        _loop = loop;
        _ready.Set();

        loop.RunForever(); // until Stop() posts loop.Stop

        // Stopped between two iterations: stop listening (the kernel sends new connections to the
        // other loops' sockets while they still listen), close the connections still open once
        // what they buffered is sent, and wait for their handlers to see the end and return, so
        // that no task is left pending when the loop closes. A peer that stopped reading could
        // hold a close forever: after a few seconds the rest are aborted.
        server.Close();
        server.CloseClients();
        loop.RunUntilComplete(async () =>
        {
            try
            {
                await loop.Timeout(5.0, () => HandlersEndedAsync(loop));
            }
            catch (TimeoutException)
            {
                server.AbortClients();
                await HandlersEndedAsync(loop);
            }
            await server.WaitClosedAsync();
        });
    }

    private async Task HandlersEndedAsync(EventLoop loop)
    {
        if (_active == 0)
            return;
        _allEnded = loop.CreateFuture<bool>();
        await _allEnded;
    }

    private async Task EchoAsync(LoopStreamReader reader, LoopStreamWriter writer)
    {
        _served++;
        _active++;
        try
        {
            while (true)
            {
                var data = await reader.ReadAsync(64 * 1024);
                if (data.Length == 0)
                    break;
                writer.Write(data);
                await writer.DrainAsync();
            }
            writer.Close();
        }
        finally
        {
            if (--_active == 0 && _allEnded is { Done: false } allEnded)
                allEnded.SetResult(true);
        }
    }
}
