using Monitoring.Grains.Interfaces.Models;
using System.Globalization;

namespace Monitoring.Grains.Checking;

/// <summary>
/// Classifies a check by the contract's rules, in order; the worst result wins and the error names the
/// first rule that produced it:
/// 1. no HTTP answer → down; 2. 5xx → down, 429 → degraded; 3. another status than expected → degraded;
/// 4. a JSON top-level status; 5. a bad or degraded dependency → degraded; 6. slower than the threshold → degraded;
/// 7. a certificate that expires within tls_expiry_days, or has expired → degraded (see <see cref="CertificateExpiry"/>).
/// A TCP check (<see cref="ClassifyTcp(HttpObservation, int?, int, int?, DateTimeOffset)"/>) has rules 1, 6 and 7.
/// Every result carries the certificate's notAfter when the check saw one.
/// </summary>
public static class HealthClassifier
{
    /// <summary>Rules 1–6 (no certificate expiry rule).</summary>
    public static CheckResult Classify(HttpObservation observation, int expectedStatusCode, int? degradedThresholdMs, int timeoutMs) =>
        Classify(observation, expectedStatusCode, degradedThresholdMs, timeoutMs, tlsExpiryDays: null, now: default);

    /// <summary>Rules 1–7; <paramref name="tlsExpiryDays"/> null means never, <paramref name="now"/> is when the check ran.</summary>
    public static CheckResult Classify(HttpObservation observation, int expectedStatusCode, int? degradedThresholdMs, int timeoutMs, int? tlsExpiryDays, DateTimeOffset now)
    {
        if (observation.StatusCode is not { } code)
        {
            return new CheckResult(HealthStatus.Down, null, observation.ResponseTimeMs, null,
                DescribeFailure(observation, timeoutMs), null, observation.CertificateNotAfter);
        }

        var verdict = new Verdict();
        if (code is >= 500 and <= 599)
        {
            verdict.Apply(HealthStatus.Down, $"HTTP {code}");
        }
        else if (code == 429)
        {
            verdict.Apply(HealthStatus.Degraded, "HTTP 429");
        }
        else if (code != expectedStatusCode)
        {
            verdict.Apply(HealthStatus.Degraded, $"HTTP {code}");
        }

        if (observation.BodyError is { } bodyError)
        {
            verdict.Apply(HealthStatus.Degraded, bodyError);
        }

        var reported = ReportedHealth.Inspect(observation.Body);
        if (reported.Status is HealthStatus.Degraded or HealthStatus.Down)
        {
            verdict.Apply(reported.Status.Value, $"reported status: {reported.ReportedStatus}" + (reported.Reason is null ? string.Empty : $" ({reported.Reason})"));
        }
        else if (reported.BadDependency is not null)
        {
            verdict.Apply(HealthStatus.Degraded, $"dependency {reported.BadDependency} reports a problem" + (reported.BadDependencyReason is null ? string.Empty : $" ({reported.BadDependencyReason})"));
        }

        verdict.ApplyTimeAndCertificate(observation, degradedThresholdMs, tlsExpiryDays, now);
        return new CheckResult(verdict.Worst, code, observation.ResponseTimeMs, reported.ReportedStatus, verdict.Error, reported.DetailsJson, observation.CertificateNotAfter);
    }

    /// <summary>A TCP check by rules 1 and 6 (no certificate expiry rule).</summary>
    public static CheckResult ClassifyTcp(HttpObservation observation, int? degradedThresholdMs, int timeoutMs) =>
        ClassifyTcp(observation, degradedThresholdMs, timeoutMs, tlsExpiryDays: null, now: default);

    /// <summary>
    /// A TCP check: up when it <see cref="HttpObservation.Reached"/> the target, down with the usual error otherwise;
    /// slower than <paramref name="degradedThresholdMs"/> or a certificate expiring within <paramref name="tlsExpiryDays"/> is degraded.
    /// </summary>
    public static CheckResult ClassifyTcp(HttpObservation observation, int? degradedThresholdMs, int timeoutMs, int? tlsExpiryDays, DateTimeOffset now)
    {
        if (!observation.Reached)
        {
            return new CheckResult(HealthStatus.Down, null, observation.ResponseTimeMs, null,
                DescribeFailure(observation, timeoutMs), null, observation.CertificateNotAfter);
        }

        var verdict = new Verdict();
        verdict.ApplyTimeAndCertificate(observation, degradedThresholdMs, tlsExpiryDays, now);
        return new CheckResult(verdict.Worst, null, observation.ResponseTimeMs, null, verdict.Error, null, observation.CertificateNotAfter);
    }

    private static string DescribeFailure(HttpObservation observation, int timeoutMs) => observation.Failure switch
    {
        TransportFailure.Timeout => $"timeout after {timeoutMs} ms",
        TransportFailure.ConnectionRefused => "connection refused",
        TransportFailure.ConnectionReset => "connection reset",
        TransportFailure.NameResolution => "DNS lookup failed" + Detail(observation),
        TransportFailure.Tls => "TLS handshake failed" + Detail(observation),
        TransportFailure.Unreachable => "host unreachable",
        TransportFailure.Denied => "address denied" + Detail(observation),
        _ => "request failed" + Detail(observation),
    };

    private static string Detail(HttpObservation observation) =>
        string.IsNullOrEmpty(observation.FailureDetail) ? string.Empty : $": {observation.FailureDetail}";

    /// <summary>The worst status so far, and the error of the first rule that produced it.</summary>
    private sealed class Verdict
    {
        public HealthStatus Worst { get; private set; } = HealthStatus.Up;

        public string? Error { get; private set; }

        public void Apply(HealthStatus status, string reason)
        {
            if (status > Worst)
            {
                Worst = status;
                Error = reason;
            }
        }

        /// <summary>Rules 6 and 7.</summary>
        public void ApplyTimeAndCertificate(HttpObservation observation, int? degradedThresholdMs, int? tlsExpiryDays, DateTimeOffset now)
        {
            if (degradedThresholdMs is { } threshold && observation.ResponseTimeMs > threshold)
            {
                Apply(HealthStatus.Degraded, string.Create(CultureInfo.InvariantCulture, $"slow response: {observation.ResponseTimeMs} ms (threshold {threshold} ms)"));
            }

            if (CertificateExpiry.Evaluate(observation.CertificateNotAfter, tlsExpiryDays, now) is { } expiry)
            {
                Apply(expiry.Status, expiry.Error);
            }
        }
    }
}
