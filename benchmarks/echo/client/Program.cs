// Load generator for the echo benchmark: N concurrent clients on 127.0.0.1, each sending a
// message of SIZE bytes and reading the whole echo back before the next, TOTAL requests in all.
// Prints requests per second, then the median and 99th percentile of the request latencies in
// milliseconds (one request: the send of the message to the end of its echo).
// With "udp", each client is a UDP socket sending one datagram and awaiting its echo; a datagram
// whose echo does not come back within 100 ms is counted as lost (printed fourth) and not timed.
// Bounded: gives up after TIMEOUT seconds (exit code 2).
// usage: EchoClient PORT CLIENTS SIZE TOTAL TIMEOUT [udp]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

int port = int.Parse(args[0], CultureInfo.InvariantCulture);
int clients = int.Parse(args[1], CultureInfo.InvariantCulture);
int size = int.Parse(args[2], CultureInfo.InvariantCulture);
int total = int.Parse(args[3], CultureInfo.InvariantCulture);
int timeout = int.Parse(args[4], CultureInfo.InvariantCulture);
bool udp = args.Length > 5 && args[5] == "udp";
var endPoint = new IPEndPoint(IPAddress.Loopback, port);
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(timeout));

// Connect everyone first (retrying while the server starts), then start the clock.
var sockets = new Socket[clients];
for (int i = 0; i < clients; i++)
{
    while (true)
    {
        var socket = udp
            ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
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

// UDP has no connection to retry: wait for the server's first echo instead.
if (udp)
{
    foreach (var socket in sockets)
    {
        while (!await UdpRoundTrip(socket, new byte[size], new byte[size], deadline.Token))
            await Task.Delay(100, deadline.Token);
    }
}

// Warm-up: a few round trips per client, not timed.
await Task.WhenAll(sockets.Select(s => RunClient(s, new long[5], deadline.Token)));

int perClient = total / clients;
var latencies = new long[clients][];
for (int i = 0; i < clients; i++)
    latencies[i] = new long[perClient];
var clock = Stopwatch.StartNew();
try
{
    await Task.WhenAll(sockets.Select((s, i) => RunClient(s, latencies[i], deadline.Token)));
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine($"timed out after {timeout} s");
    return 2;
}
clock.Stop();
foreach (var socket in sockets)
    socket.Dispose();
// A lost datagram's latency is -1: left out of the percentiles.
var timed = latencies.SelectMany(l => l).Where(t => t >= 0).Order().ToArray();
int lost = perClient * clients - timed.Length;
double Percentile(double p) => timed.Length == 0 ? double.NaN : timed[Math.Min(timed.Length - 1, (int)Math.Ceiling(p * timed.Length) - 1)] * 1000.0 / Stopwatch.Frequency;
var line = string.Create(CultureInfo.InvariantCulture, $"{timed.Length / clock.Elapsed.TotalSeconds:F0} {Percentile(0.50):F3} {Percentile(0.99):F3}");
Console.WriteLine(udp ? line + " " + lost.ToString(CultureInfo.InvariantCulture) : line);
return 0;

async Task RunClient(Socket socket, long[] latency, CancellationToken cancel)
{
    var message = new byte[size];
    new Random(size).NextBytes(message);
    var echo = new byte[size];
    for (int r = 0; r < latency.Length; r++)
    {
        long start = Stopwatch.GetTimestamp();
        if (udp)
        {
            latency[r] = await UdpRoundTrip(socket, message, echo, cancel) ? Stopwatch.GetTimestamp() - start : -1;
            continue;
        }
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
        latency[r] = Stopwatch.GetTimestamp() - start;
    }
}

async Task<bool> UdpRoundTrip(Socket socket, byte[] message, byte[] echo, CancellationToken cancel)
{
    await socket.SendAsync(message, SocketFlags.None, cancel);
    using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancel);
    wait.CancelAfter(TimeSpan.FromMilliseconds(100));
    try
    {
        // A late echo of an earlier, lost-counted datagram has other first bytes only by chance:
        // all messages of a client are the same, so any echo of the right size answers.
        int n = await socket.ReceiveAsync(echo, SocketFlags.None, wait.Token);
        if (n != size)
            throw new InvalidOperationException($"an echo of {n} bytes for a datagram of {size}");
        return true;
    }
    catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
    {
        return false;
    }
    catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
    {
        return false; // ICMP port unreachable: no server (yet)
    }
}
