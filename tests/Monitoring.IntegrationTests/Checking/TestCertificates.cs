using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Monitoring.IntegrationTests.Checking;

/// <summary>Server certificates made in the test: self-signed, so a verifying check refuses them.</summary>
public static class TestCertificates
{
    /// <summary>A self-signed server certificate for localhost and 127.0.0.1, with its private key, valid until <paramref name="notAfter"/> (to the second).</summary>
    public static X509Certificate2 SelfSigned(DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=monitoring-test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), notAfter);

        // A PKCS#12 round trip gives a key the TLS stack can use on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), password: null);
    }

    /// <summary>The certificate's notAfter as the checkers report it: UTC.</summary>
    public static DateTimeOffset NotAfterOf(X509Certificate2 certificate) => new(certificate.NotAfter.ToUniversalTime());
}
