// Load generator for the echo benchmark: N concurrent clients on 127.0.0.1, each sending a
// message of SIZE bytes and reading the whole echo back before the next, TOTAL requests in all.
// Prints requests per second. Bounded: gives up after TIMEOUT seconds (exit code 2).
// usage: EchoClient PORT CLIENTS SIZE TOTAL TIMEOUT
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

int port = int.Parse(args[0], CultureInfo.InvariantCulture);
int clients = int.Parse(args[1], CultureInfo.InvariantCulture);
int size = int.Parse(args[2], CultureInfo.InvariantCulture);
int total = int.Parse(args[3], CultureInfo.InvariantCulture);
int timeout = int.Parse(args[4], CultureInfo.InvariantCulture);
var endPoint = new IPEndPoint(IPAddress.Loopback, port);
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(timeout));

// Connect everyone first (retrying while the server starts), then start the clock.
var sockets = new Socket[clients];
for (int i = 0; i < clients; i++)
{
    while (true)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, deadline.Token);
            sockets[i] = socket;
            break;
        }
        catch (SocketException)
        {
            socket.Dispose();
            await Task.Delay(100, deadline.Token);
        }
    }
}

// Warm-up: a few round trips per client, not timed.
await Task.WhenAll(sockets.Select(s => RunClient(s, 5, deadline.Token)));

int perClient = total / clients;
var clock = Stopwatch.StartNew();
try
{
    await Task.WhenAll(sockets.Select(s => RunClient(s, perClient, deadline.Token)));
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine($"timed out after {timeout} s");
    return 2;
}
clock.Stop();
foreach (var socket in sockets)
    socket.Dispose();
Console.WriteLine(((perClient * clients) / clock.Elapsed.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture));
return 0;

async Task RunClient(Socket socket, int requests, CancellationToken cancel)
{
    var message = new byte[size];
    new Random(size).NextBytes(message);
    var echo = new byte[size];
    for (int r = 0; r < requests; r++)
    {
        int sent = 0;
        while (sent < size)
            sent += await socket.SendAsync(message.AsMemory(sent), SocketFlags.None, cancel);
        int received = 0;
        while (received < size)
        {
            int n = await socket.ReceiveAsync(echo.AsMemory(received), SocketFlags.None, cancel);
            if (n == 0)
                throw new InvalidOperationException("the server closed the connection");
            received += n;
        }
        if (echo[0] != message[0] || echo[size - 1] != message[size - 1])
            throw new InvalidOperationException("the echo differs from the message");
    }
}
