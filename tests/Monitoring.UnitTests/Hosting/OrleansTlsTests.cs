using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Monitoring.Hosting;
using Monitoring.Sql;

namespace Monitoring.UnitTests.Hosting;

public sealed class OrleansTlsTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("tls-unit-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public void Only_the_fleet_certificate_and_listed_fingerprints_are_accepted()
    {
        var fleet = SelfSigned("fleet");
        var next = SelfSigned("next");
        var stranger = SelfSigned("stranger");
        var tls = OrleansTls.Read(Settings(fleet, allowed: Convert.ToHexString(next.GetCertHash(HashAlgorithmName.SHA256))))!;

        Assert.True(tls.IsPinned(fleet));
        Assert.True(tls.IsPinned(next));
        Assert.False(tls.IsPinned(stranger));
        Assert.False(tls.IsPinned(null));
        Assert.Equal("fleet", tls.TargetHost);
    }

    [Fact]
    public void Without_the_setting_tls_is_off() =>
        Assert.Null(OrleansTls.Read(new ConfigurationBuilder().Build()));

    [Theory]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    public void A_malformed_fingerprint_names_the_setting(string allowed)
    {
        var error = Assert.Throws<SettingException>(() => OrleansTls.Read(Settings(SelfSigned("fleet"), allowed)));

        Assert.Equal(OrleansTls.AllowedSetting, error.Setting);
    }

    private IConfiguration Settings(X509Certificate2 certificate, string? allowed = null)
    {
        var path = Path.Combine(folder.FullName, $"{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, "pw"));
        return new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [OrleansTls.CertificateSetting] = path,
            [OrleansTls.PasswordSetting] = "pw",
            [OrleansTls.AllowedSetting] = allowed,
        }).Build();
    }

    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create();
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }
}
