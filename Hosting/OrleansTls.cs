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
/// each side requires the other's certificate and accepts only a pinned one: this very certificate (the
/// fleet's shared, possibly self-signed one), or one whose SHA-256 fingerprint is listed in
/// ORLEANS_TLS_ALLOWED_FINGERPRINTS (hex, comma separated; for rolling to a new certificate). A certificate
/// that merely chains to a public root is not enough: anyone can get one of those.
/// </summary>
public sealed class OrleansTls
{
    public const string CertificateSetting = "ORLEANS_TLS_CERTIFICATE";
    public const string PasswordSetting = "ORLEANS_TLS_CERTIFICATE_PASSWORD";
    public const string AllowedSetting = "ORLEANS_TLS_ALLOWED_FINGERPRINTS";

    private readonly List<byte[]> pinned;

    private OrleansTls(X509Certificate2 certificate, IEnumerable<byte[]> allowed)
    {
        Certificate = certificate;
        pinned = [certificate.GetCertHash(HashAlgorithmName.SHA256), .. allowed];
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

        if (!certificate.HasPrivateKey)
        {
            throw new SettingException(CertificateSetting, "holds no private key; TLS between silos and gateways needs it");
        }

        var allowed = new List<byte[]>();
        foreach (var text in (configuration[AllowedSetting] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var hex = text.Replace(":", string.Empty, StringComparison.Ordinal);
            allowed.Add(hex.Length == 64 && hex.All(Uri.IsHexDigit)
                ? Convert.FromHexString(hex)
                : throw new SettingException(AllowedSetting, $"must list SHA-256 fingerprints in hex (64 digits), not '{text}'"));
        }

        return new OrleansTls(certificate, allowed);
    }

    /// <summary>Whether <paramref name="remote"/> is the fleet's certificate or one of the allowed fingerprints.</summary>
    public bool IsPinned(X509Certificate2? remote)
    {
        if (remote is null)
        {
            return false;
        }

        var hash = remote.GetCertHash(HashAlgorithmName.SHA256);
        return pinned.Exists(p => CryptographicOperations.FixedTimeEquals(p, hash));
    }

    /// <summary>Applies this certificate to Orleans' TLS options of a silo or a client.</summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, _) => IsPinned(remote);
        options.OnAuthenticateAsClient = (_, client) => client.TargetHost = TargetHost;
    }
}
