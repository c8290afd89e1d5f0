using Monitoring.Grains.Checking;

namespace Monitoring.UnitTests.Checking;

public sealed class TcpClassificationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(12, 2000, null, null, "up", null)]
    [InlineData(2000, 2000, null, null, "up", null)]
    [InlineData(2001, 2000, null, null, "degraded", "slow response: 2001 ms (threshold 2000 ms)")]
    [InlineData(60_000, null, null, null, "up", null)]
    [InlineData(12, 2000, 200, 14, "up", null)]
    [InlineData(12, 2000, 9, 14, "degraded", "TLS certificate expires in 9 days (2026-12-08T10:00:00.000Z)")]
    [InlineData(12, 2000, 9, null, "up", null)]
    [InlineData(12, 2000, -1, 14, "degraded", "TLS certificate expired on 2026-11-28T10:00:00.000Z")]
    [InlineData(3000, 2000, 9, 14, "degraded", "slow response: 3000 ms (threshold 2000 ms)")]
    public void A_completed_connection_is_up_unless_slow_or_its_certificate_expires_soon(
        int responseTimeMs, int? thresholdMs, int? daysLeft, int? expiryDays, string expectedStatus, string? expectedError)
    {
        DateTimeOffset? notAfter = daysLeft is { } days ? Now.AddDays(days) : null;
        var observation = HttpObservation.Connected(responseTimeMs, notAfter);

        var result = HealthClassifier.ClassifyTcp(observation, thresholdMs, timeoutMs: 5000, expiryDays, Now);

        Assert.Equal(new CheckResult(HealthStatusNames.FromWire(expectedStatus), null, responseTimeMs, null, expectedError, null, notAfter), result);
    }

    [Theory]
    [InlineData(TransportFailure.Timeout, null, "timeout after 5000 ms")]
    [InlineData(TransportFailure.ConnectionRefused, "Connection refused", "connection refused")]
    [InlineData(TransportFailure.ConnectionReset, null, "connection reset")]
    [InlineData(TransportFailure.Unreachable, "No route to host", "host unreachable")]
    [InlineData(TransportFailure.NameResolution, "Name or service not known", "DNS lookup failed: Name or service not known")]
    [InlineData(TransportFailure.Tls, "The remote certificate is invalid", "TLS handshake failed: The remote certificate is invalid")]
    [InlineData(TransportFailure.Denied, "db resolves to 169.254.169.254, which is in the denied network 169.254.0.0/16", "address denied: db resolves to 169.254.169.254, which is in the denied network 169.254.0.0/16")]
    [InlineData(TransportFailure.Other, null, "request failed")]
    public void A_failed_connection_is_down_with_the_usual_error(TransportFailure failure, string? detail, string expectedError)
    {
        var observation = HttpObservation.Failed(failure, 5000, detail);

        var result = HealthClassifier.ClassifyTcp(observation, degradedThresholdMs: 1, timeoutMs: 5000, tlsExpiryDays: 14, Now);

        Assert.Equal(new CheckResult(HealthStatus.Down, null, 5000, null, expectedError, null), result);
    }

    [Fact]
    public void Without_expiry_days_the_short_form_only_looks_at_the_connection_and_the_time()
    {
        var result = HealthClassifier.ClassifyTcp(HttpObservation.Connected(5, Now.AddDays(-1)), degradedThresholdMs: 2000, timeoutMs: 5000);

        Assert.Equal(new CheckResult(HealthStatus.Up, null, 5, null, null, null, Now.AddDays(-1)), result);
    }
}
