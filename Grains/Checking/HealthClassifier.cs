using Monitoring.Grains.Interfaces.Models;
using System.Globalization;

namespace Monitoring.Grains.Checking;

/// <summary>
/// Classifies a check by the contract's rules, in order; the worst result wins and the error names the
/// first rule that produced it:
/// 1. no HTTP answer → down; 2. 5xx → down, 429 → degraded; 3. another status than expected → degraded;
/// 4. a JSON top-level status; 5. a bad or degraded dependency → degraded; 6. slower than the threshold → degraded.
/// </summary>
public static class HealthClassifier
{
    public static CheckResult Classify(HttpObservation observation, int expectedStatusCode, int? degradedThresholdMs, int timeoutMs)
    {
        if (observation.StatusCode is not { } code)
        {
            return new CheckResult(HealthStatus.Down, null, observation.ResponseTimeMs, null,
                DescribeFailure(observation, timeoutMs), null);
        }

        var worst = HealthStatus.Up;
        string? error = null;
        void Apply(HealthStatus status, string reason)
        {
            if (status > worst)
            {
                worst = status;
                error = reason;
            }
        }

        if (code is >= 500 and <= 599)
        {
            Apply(HealthStatus.Down, $"HTTP {code}");
        }
        else if (code == 429)
        {
            Apply(HealthStatus.Degraded, "HTTP 429");
        }
        else if (code != expectedStatusCode)
        {
            Apply(HealthStatus.Degraded, $"HTTP {code}");
        }

        if (observation.BodyError is { } bodyError)
        {
            Apply(HealthStatus.Degraded, bodyError);
        }

        var reported = ReportedHealth.Inspect(observation.Body);
        if (reported.Status is HealthStatus.Degraded or HealthStatus.Down)
        {
            Apply(reported.Status.Value, $"reported status: {reported.ReportedStatus}" + (reported.Reason is null ? string.Empty : $" ({reported.Reason})"));
        }
        else if (reported.BadDependency is not null)
        {
            Apply(HealthStatus.Degraded, $"dependency {reported.BadDependency} reports a problem" + (reported.BadDependencyReason is null ? string.Empty : $" ({reported.BadDependencyReason})"));
        }

        if (degradedThresholdMs is { } threshold && observation.ResponseTimeMs > threshold)
        {
            Apply(HealthStatus.Degraded, string.Create(CultureInfo.InvariantCulture, $"slow response: {observation.ResponseTimeMs} ms (threshold {threshold} ms)"));
        }

        return new CheckResult(worst, code, observation.ResponseTimeMs, reported.ReportedStatus, error, reported.DetailsJson);
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
}
