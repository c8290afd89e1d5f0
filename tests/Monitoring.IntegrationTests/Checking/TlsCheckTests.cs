using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Monitoring.Grains.Checking;

namespace Monitoring.IntegrationTests.Checking;

/// <summary>
/// https and tls:// checks against a real HTTPS server on 127.0.0.1 whose self-signed certificate (made here)
/// expires in 5 days: refused when verified, accepted and still read when not.
/// </summary>
public sealed class TlsCheckTests(CheckerFixture fixture) : IClassFixture<CheckerFixture>, IAsyncLifetime
{
    private X509Certificate2 certificate = null!;
    private EchoTarget https = null!;

    private DateTimeOffset NotAfter => TestCertificates.NotAfterOf(certificate);

    private int Port => new Uri(https.BaseUrl).Port;

    public async Task InitializeAsync()
    {
        certificate = TestCertificates.SelfSigned(DateTimeOffset.UtcNow.AddDays(5));
        https = await EchoTarget.StartAsync(certificate);
    }

    public async Task DisposeAsync()
    {
        await https.DisposeAsync();
        certificate.Dispose();
    }

    [Fact]
    public async Task Https_without_verification_answers_and_reads_the_certificate_on_a_new_and_on_a_pooled_connection()
    {
        var first = await fixture.ObserveAsync(Https(verify: false));
        var second = await fixture.ObserveAsync(Https(verify: false));

        Assert.True(first.StatusCode == 200, first.ToString());
        Assert.True(second.StatusCode == 200, second.ToString());
        Assert.Equal(NotAfter, first.CertificateNotAfter);
        Assert.Equal(NotAfter, second.CertificateNotAfter);

        // The second check reused the first one's connection, so no handshake told it the certificate again.
        Assert.Equal(ConnectionOf(first), ConnectionOf(second));
    }

    [Fact]
    public async Task Https_with_verification_refuses_a_self_signed_certificate()
    {
        var observation = await fixture.ObserveAsync(Https(verify: true));

        var result = HealthClassifier.Classify(observation, 200, 2000, 5000, tlsExpiryDays: 14, DateTimeOffset.UtcNow);
        Assert.Equal(HealthStatus.Down, result.Status);
        Assert.StartsWith("TLS handshake failed", result.Error);
        Assert.Null(observation.CertificateNotAfter);
    }

    [Fact]
    public async Task An_https_answer_whose_certificate_expires_within_the_days_is_degraded()
    {
        var observation = await fixture.ObserveAsync(Https(verify: false));

        var result = HealthClassifier.Classify(observation, 200, 2000, 5000, tlsExpiryDays: 14, now: NotAfter.AddDays(-5));
        Assert.Equal((HealthStatus.Degraded, $"TLS certificate expires in 5 days ({Written(NotAfter)})", (DateTimeOffset?)NotAfter), (result.Status, result.Error, result.TlsExpiresAt));
    }

    [Fact]
    public async Task Tls_without_verification_connects_and_reads_the_certificate()
    {
        var observation = await fixture.ObserveAsync(new TcpCheckRequest("127.0.0.1", Port, Tls: true, TimeSpan.FromSeconds(5), TlsVerify: false));

        Assert.True(observation.Reached, observation.ToString());
        Assert.Null(observation.StatusCode);
        Assert.Equal(NotAfter, observation.CertificateNotAfter);
        var result = HealthClassifier.ClassifyTcp(observation, 2000, 5000, tlsExpiryDays: 14, now: NotAfter.AddDays(-9));
        Assert.Equal($"TLS certificate expires in 9 days ({Written(NotAfter)})", result.Error);
        Assert.Equal(HealthStatus.Up, HealthClassifier.ClassifyTcp(observation, 2000, 5000, tlsExpiryDays: 3, now: NotAfter.AddDays(-5)).Status);
    }

    [Fact]
    public async Task Tls_with_verification_refuses_a_self_signed_certificate_and_still_tells_its_expiry()
    {
        var observation = await fixture.ObserveAsync(new TcpCheckRequest("localhost", Port, Tls: true, TimeSpan.FromSeconds(5)));

        var result = HealthClassifier.ClassifyTcp(observation, 2000, 5000);
        Assert.Equal(HealthStatus.Down, result.Status);
        Assert.StartsWith("TLS handshake failed: ", result.Error);
        Assert.Equal(NotAfter, result.TlsExpiresAt);
    }

    [Fact]
    public async Task Tls_to_a_server_that_closes_at_once_is_a_failed_handshake()
    {
        using var listener = RawListener.Closing();

        var observation = await fixture.ObserveAsync(new TcpCheckRequest("127.0.0.1", listener.Port, Tls: true, TimeSpan.FromSeconds(5), TlsVerify: false));

        Assert.StartsWith("TLS handshake failed", HealthClassifier.ClassifyTcp(observation, 2000, 5000).Error);
    }

    [Fact]
    public async Task Tls_to_a_server_that_never_answers_times_out()
    {
        using var listener = RawListener.Silent();

        var observation = await fixture.ObserveAsync(new TcpCheckRequest("127.0.0.1", listener.Port, Tls: true, TimeSpan.FromMilliseconds(300)));

        var result = HealthClassifier.ClassifyTcp(observation, 2000, 300);
        Assert.Equal((HealthStatus.Down, "timeout after 300 ms"), (result.Status, result.Error));
        Assert.True(result.ResponseTimeMs >= 300, result.ToString());
    }

    private static string Written(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string ConnectionOf(HttpObservation observation) =>
        JsonDocument.Parse(Encoding.UTF8.GetString(observation.Body.Span)).RootElement.GetProperty("connection").GetString()!;

    private HealthCheckRequest Https(bool verify) =>
        new(new Uri(https.Url("/echo")), HttpMethod.Get, TimeSpan.FromSeconds(5), TlsVerify: verify);
}
