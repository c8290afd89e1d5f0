using System.Globalization;
using Monitoring.Grains.Interfaces.Json;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Checking;

/// <summary>
/// The tls_expiry_days rule: a certificate whose notAfter is at most that many whole days (of 24 h) away is
/// degraded, <c>TLS certificate expires in 9 days (2026-12-08T10:00:00.000Z)</c>, the days being the whole days
/// left, rounded down (0 in its last day, "1 day" in the one before). One whose notAfter has passed (seen only with
/// tls_verify false) is degraded, <c>TLS certificate expired on 2026-12-08T10:00:00.000Z</c>. No certificate, or
/// null days (never), is no finding.
/// </summary>
public static class CertificateExpiry
{
    /// <summary>Null when the certificate is fine (or absent, or the rule is off), else the degraded status and its error text.</summary>
    /// <param name="notAfter">The certificate's notAfter; null without a certificate.</param>
    /// <param name="expiryDays">tls_expiry_days (the contract allows 1–365); null: never.</param>
    /// <param name="now">When the check ran.</param>
    public static (HealthStatus Status, string Error)? Evaluate(DateTimeOffset? notAfter, int? expiryDays, DateTimeOffset now)
    {
        if (notAfter is not { } expires || expiryDays is not { } days)
        {
            return null;
        }

        var left = expires - now;
        var at = expires.UtcDateTime.ToString(UtcMillisecondsConverter.Format, CultureInfo.InvariantCulture);
        if (left < TimeSpan.Zero)
        {
            return (HealthStatus.Degraded, $"TLS certificate expired on {at}");
        }

        if (left > TimeSpan.FromDays(days))
        {
            return null;
        }

        var whole = left.Ticks / TimeSpan.TicksPerDay;
        return (HealthStatus.Degraded, string.Create(CultureInfo.InvariantCulture, $"TLS certificate expires in {whole} {(whole == 1 ? "day" : "days")} ({at})"));
    }
}
