using System.Globalization;
using Monitoring.Grains.Checking;

namespace Monitoring.UnitTests.Checking;

public sealed class CertificateExpiryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, 14, null)]
    [InlineData("9.00:00:00", null, null)]
    [InlineData("-3.00:00:00", null, null)]
    [InlineData("200.00:00:00", 14, null)]
    [InlineData("14.00:00:00.001", 14, null)]
    [InlineData("14.00:00:00", 14, "TLS certificate expires in 14 days (2026-12-13T10:00:00.000Z)")]
    [InlineData("13.23:59:59.999", 14, "TLS certificate expires in 13 days (2026-12-13T09:59:59.999Z)")]
    [InlineData("9.00:00:00", 14, "TLS certificate expires in 9 days (2026-12-08T10:00:00.000Z)")]
    [InlineData("9.23:00:00", 14, "TLS certificate expires in 9 days (2026-12-09T09:00:00.000Z)")]
    [InlineData("1.00:00:00", 1, "TLS certificate expires in 1 day (2026-11-30T10:00:00.000Z)")]
    [InlineData("1.00:00:00.001", 1, null)]
    [InlineData("05:00:00", 1, "TLS certificate expires in 0 days (2026-11-29T15:00:00.000Z)")]
    [InlineData("00:00:00", 14, "TLS certificate expires in 0 days (2026-11-29T10:00:00.000Z)")]
    [InlineData("-00:00:00.001", 14, "TLS certificate expired on 2026-11-29T09:59:59.999Z")]
    [InlineData("-21.00:00:00", 14, "TLS certificate expired on 2026-11-08T10:00:00.000Z")]
    [InlineData("364.00:00:00", 365, "TLS certificate expires in 364 days (2027-11-28T10:00:00.000Z)")]
    public void A_certificate_within_the_days_or_expired_is_degraded_and_null_days_mean_never(string? left, int? days, string? expectedError)
    {
        DateTimeOffset? notAfter = left is null ? null : Now + TimeSpan.Parse(left, CultureInfo.InvariantCulture);

        var finding = CertificateExpiry.Evaluate(notAfter, days, Now);

        Assert.Equal(expectedError, finding?.Error);
        Assert.Equal(expectedError is null ? null : HealthStatus.Degraded, finding?.Status);
    }

    [Fact]
    public void The_time_is_written_in_utc_whatever_the_offset_of_the_certificate_time()
    {
        var notAfter = new DateTimeOffset(2026, 12, 8, 12, 0, 0, TimeSpan.FromHours(2));

        var finding = CertificateExpiry.Evaluate(notAfter, 14, Now);

        Assert.Equal("TLS certificate expires in 9 days (2026-12-08T10:00:00.000Z)", finding?.Error);
    }
}
