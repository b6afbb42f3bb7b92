using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Asyncio.Tests.IO.Tls;

/// <summary>A self-signed certificate for "localhost", made in memory once: no file, no store.</summary>
internal static class TestCertificates
{
    public static readonly X509Certificate2 Localhost = Create("localhost");

    private static X509Certificate2 Create(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12, so that the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public static SslServerAuthenticationOptions Server() => new() { ServerCertificate = Localhost };

    /// <summary>A client that trusts exactly <see cref="Localhost"/> (by its hash), or nothing when <paramref name="trust"/> is false.</summary>
    public static SslClientAuthenticationOptions Client(bool trust = true) => new()
    {
        TargetHost = "localhost",
        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            trust && certificate is not null && certificate.GetCertHashString() == Localhost.GetCertHashString(),
    };
}
