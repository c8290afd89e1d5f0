using Monitoring.Grains.Interfaces.Models;
namespace Monitoring.Grains.Checking;

/// <summary>A classified check: the fields of a service-status record that the check decides.</summary>
/// <param name="TlsExpiresAt">The server certificate's notAfter (UTC) when the check saw one (tls_expires_at).</param>
public sealed record CheckResult(
    HealthStatus Status,
    int? StatusCode,
    int ResponseTimeMs,
    string? ReportedStatus,
    string? Error,
    string? DetailsJson,
    DateTimeOffset? TlsExpiresAt = null)
{
    /// <summary>The conditions' outcomes as a JSON array of <c>{"condition", "success"}</c>, when the service has conditions.</summary>
    public string? ConditionResultsJson { get; init; }

    /// <summary>Longest reported_status stored, in UTF-16 units.</summary>
    public const int MaxReportedStatusLength = 200;

    /// <summary>Longest error stored, in UTF-16 units.</summary>
    public const int MaxErrorLength = 1000;

    /// <summary>
    /// The result with every text that came from a target made storable (see <see cref="StorableText"/>)
    /// and bounded; details that are not storable JSON are dropped.
    /// </summary>
    public CheckResult Storable() => this with
    {
        ReportedStatus = StorableText.Clean(ReportedStatus, MaxReportedStatusLength),
        Error = StorableText.Clean(Error, MaxErrorLength),
        DetailsJson = DetailsJson is null || (StorableText.IsClean(DetailsJson) && !DetailsJson.Contains("\\u0000", StringComparison.Ordinal)) ? DetailsJson : null,
    };
}
