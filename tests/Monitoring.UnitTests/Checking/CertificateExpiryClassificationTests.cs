using System.Text;
using Monitoring.Grains.Checking;

namespace Monitoring.UnitTests.Checking;

/// <summary>Rule 7 on HTTP answers: after the others, with the same worst-wins and first-error logic.</summary>
public sealed class CertificateExpiryClassificationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(200, """{"status":"ok"}""", 10, 9, 14, "degraded", "TLS certificate expires in 9 days (2026-12-08T10:00:00.000Z)")]
    [InlineData(200, """{"status":"ok"}""", 10, 30, 14, "up", null)]
    [InlineData(200, """{"status":"ok"}""", 10, 9, null, "up", null)]
    [InlineData(200, """{"status":"ok"}""", 10, null, 14, "up", null)]
    [InlineData(200, """{"status":"ok"}""", 10, -2, 14, "degraded", "TLS certificate expired on 2026-11-27T10:00:00.000Z")]
    [InlineData(404, """{"status":"ok"}""", 10, 9, 14, "degraded", "HTTP 404")]
    [InlineData(503, """{"status":"ok"}""", 10, 9, 14, "down", "HTTP 503")]
    [InlineData(200, """{"status":"warn"}""", 10, 9, 14, "degraded", "reported status: warn")]
    [InlineData(200, """{"status":"fail"}""", 10, 9, 14, "down", "reported status: fail")]
    [InlineData(200, """{"status":"ok"}""", 5000, 9, 14, "degraded", "slow response: 5000 ms (threshold 2000 ms)")]
    public void An_expiring_certificate_is_degraded_after_the_other_rules(
        int statusCode, string body, int responseTimeMs, int? daysLeft, int? expiryDays, string expectedStatus, string? expectedError)
    {
        DateTimeOffset? notAfter = daysLeft is { } days ? Now.AddDays(days) : null;
        var observation = new HttpObservation(statusCode, responseTimeMs, Encoding.UTF8.GetBytes(body), CertificateNotAfter: notAfter);

        var result = HealthClassifier.Classify(observation, 200, 2000, 5000, expiryDays, Now);

        Assert.Equal((expectedStatus, expectedError, notAfter), (result.Status.ToWire(), result.Error, result.TlsExpiresAt));
    }

    [Fact]
    public void The_short_form_applies_no_expiry_rule_but_carries_the_time()
    {
        var observation = new HttpObservation(200, 10, Encoding.UTF8.GetBytes("""{"status":"ok"}"""), CertificateNotAfter: Now.AddDays(-1));

        var result = HealthClassifier.Classify(observation, 200, 2000, 5000);

        Assert.Equal((HealthStatus.Up, (string?)null, (DateTimeOffset?)Now.AddDays(-1)), (result.Status, result.Error, result.TlsExpiresAt));
    }
}
