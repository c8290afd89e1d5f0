using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Monitoring.Sql;
using Orleans.Connections.Security;

namespace Monitoring.Hosting;

/// <summary>
/// Mutual TLS for Orleans traffic (silo to silo, gateway to silo), on when ORLEANS_TLS_CERTIFICATE names a
/// certificate with its private key: a PKCS#12 file (.pfx/.p12, password in ORLEANS_TLS_CERTIFICATE_PASSWORD)
/// or a PEM file holding certificate and key. Every silo and gateway of the fleet gets the same setting;
/// each side requires the other's certificate and accepts it when it is this very certificate (a fleet's
/// shared, possibly self-signed one) or one that chains to a root this machine trusts.
/// </summary>
public sealed class OrleansTls
{
    public const string CertificateSetting = "ORLEANS_TLS_CERTIFICATE";
    public const string PasswordSetting = "ORLEANS_TLS_CERTIFICATE_PASSWORD";

    private readonly byte[] fingerprint;

    private OrleansTls(X509Certificate2 certificate)
    {
        Certificate = certificate;
        fingerprint = certificate.GetCertHash(HashAlgorithmName.SHA256);
        TargetHost = certificate.GetNameInfo(X509NameType.DnsName, forIssuer: false) is { Length: > 0 } name ? name : "monitoring";
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The name a connecting side expects of the other (the certificate's DNS or common name).</summary>
    public string TargetHost { get; }

    /// <summary>The setting, or null when TLS is off; a named file that cannot be used stops the host.</summary>
    public static OrleansTls? Read(IConfiguration configuration)
    {
        var path = configuration[CertificateSetting];
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new SettingException(CertificateSetting, $"names '{path}', which does not exist");
        }

        X509Certificate2 certificate;
        try
        {
            var password = configuration[PasswordSetting];
            certificate = Path.GetExtension(path).ToLowerInvariant() is ".pem" or ".crt"
                // SslStream on Linux needs the key in a PKCS#12 store, not the ephemeral one a PEM load makes.
                ? X509CertificateLoader.LoadPkcs12(X509Certificate2.CreateFromPemFile(path).Export(X509ContentType.Pkcs12), null)
                : X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException ex)
        {
            throw new SettingException(CertificateSetting, $"cannot be read ({ex.Message}); give a .pfx/.p12 with {PasswordSetting}, or a .pem holding certificate and key");
        }

        return certificate.HasPrivateKey
            ? new OrleansTls(certificate)
            : throw new SettingException(CertificateSetting, "holds no private key; TLS between silos and gateways needs it");
    }

    /// <summary>Applies this certificate to Orleans' TLS options of a silo or a client.</summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, errors) =>
            errors == SslPolicyErrors.None || remote.GetCertHash(HashAlgorithmName.SHA256).AsSpan().SequenceEqual(fingerprint);
        options.OnAuthenticateAsClient = (_, client) => client.TargetHost = TargetHost;
    }
}
