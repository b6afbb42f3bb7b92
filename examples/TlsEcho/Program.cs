// A TLS echo server and client in one program, on 127.0.0.1 and a free port, with a
// self-signed certificate made in memory (no file, no certificate store).
// The client trusts exactly that certificate; a second client that trusts nothing is refused
// at the handshake, and the server goes on serving. Then a plain connection is upgraded in
// place with StartTlsAsync, as STARTTLS protocols do. The output is the same on real and on
// virtual time: the virtual clock waits for the handshakes.
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Asyncio;

var certificate = SelfSigned("localhost");
var trusted = certificate.GetCertHashString();

SslClientAuthenticationOptions Client(bool trust) => new()
{
    TargetHost = "localhost",
    RemoteCertificateValidationCallback = (_, cert, _, _) => trust && cert?.GetCertHashString() == trusted,
};

EventLoop.Run(async () =>
{
    var loop = EventLoop.GetRunningLoop();

    async Task Echo(LoopStreamReader reader, LoopStreamWriter writer)
    {
        await foreach (var line in reader)
        {
            writer.Write(line);
            await writer.DrainAsync();
        }
        writer.Close();
        await writer.WaitClosedAsync();
    }

    var server = await loop.StartServerAsync(Echo, "127.0.0.1", 0, new SslServerAuthenticationOptions { ServerCertificate = certificate });
    int port = ((IPEndPoint)server.Sockets[0].LocalEndPoint!).Port;
    Console.WriteLine("server: listening with TLS");

    var (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", port, Client(trust: true));
    var session = (SslStream)writer.GetExtraInfo("ssl_object")!;
    Console.WriteLine($"client: connected, certificate {session.RemoteCertificate!.Subject}");
    foreach (var text in new[] { "hello", "over tls" })
    {
        writer.Write(Encoding.UTF8.GetBytes(text + "\n"));
        await writer.DrainAsync();
        Console.WriteLine($"client: echo {Encoding.UTF8.GetString(await reader.ReadLineAsync()).TrimEnd()}");
    }
    writer.Close();
    await writer.WaitClosedAsync();

    try
    {
        await loop.OpenConnectionAsync("127.0.0.1", port, Client(trust: false));
    }
    catch (AuthenticationException)
    {
        Console.WriteLine("client: refused an untrusted certificate");
    }

    // STARTTLS: a plain server that upgrades the connection when asked.
    var plain = await loop.StartServerAsync(async (r, w) =>
    {
        if (Encoding.UTF8.GetString(await r.ReadLineAsync()) != "STARTTLS\n")
            return;
        w.Write("OK\n"u8);
        await w.StartTlsAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
        await Echo(r, w);
    }, "127.0.0.1", 0);
    int plainPort = ((IPEndPoint)plain.Sockets[0].LocalEndPoint!).Port;
    (reader, writer) = await loop.OpenConnectionAsync("127.0.0.1", plainPort);
    writer.Write("STARTTLS\n"u8);
    Console.WriteLine($"client: plain {Encoding.UTF8.GetString(await reader.ReadLineAsync()).TrimEnd()}");
    await writer.StartTlsAsync(Client(trust: true));
    writer.Write("upgraded\n"u8);
    Console.WriteLine($"client: echo {Encoding.UTF8.GetString(await reader.ReadLineAsync()).TrimEnd()}");
    writer.Close();
    await writer.WaitClosedAsync();

    server.Close();
    plain.Close();
    await server.WaitClosedAsync();
    await plain.WaitClosedAsync();
    Console.WriteLine("server: closed");
});

static X509Certificate2 SelfSigned(string name)
{
    using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
    var san = new SubjectAlternativeNameBuilder();
    san.AddDnsName(name);
    request.CertificateExtensions.Add(san.Build());
    using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    // Through PKCS#12, so that SslStream can use the private key on every platform.
    return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
}
