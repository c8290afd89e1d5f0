using Monitoring.Grains.Interfaces.Models;
namespace Monitoring.Grains.Services;

/// <summary>
/// The read-only runtime fields of a service: its latest result, its next scheduled check (for a heartbeat: the next
/// deadline), the certificate's notAfter from the latest check that saw one, and the /start of a heartbeat's run under way.
/// </summary>
public sealed record ServiceRuntime(HealthStatus? LastStatus, DateTimeOffset? LastCheckedAt, int? LastResponseTimeMs, DateTimeOffset? NextCheckAt)
{
    public DateTimeOffset? TlsExpiresAt { get; init; }

    public DateTimeOffset? RunStartedAt { get; init; }

    /// <summary>A heartbeat's occurrences up to this time are decided (stored with each decision, see HeartbeatStore).</summary>
    public DateTimeOffset? DecidedThrough { get; init; }

    public static readonly ServiceRuntime Empty = new(null, null, null, null);
}
