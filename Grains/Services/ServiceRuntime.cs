using Monitoring.Grains.Interfaces.Models;
namespace Monitoring.Grains.Services;

/// <summary>
/// The read-only runtime fields of a service: its latest result, its next scheduled check (for a heartbeat: the next
/// deadline), the certificate's notAfter from the latest check that saw one, and the /start of a heartbeat's run under way.
/// </summary>
/// <remarks>
/// A value inside the grain, not an object: a grain changes it twice a check, and each replaced object lived until the
/// next check, minutes, long enough to be promoted to the old generation and die there. With the other objects a grain
/// replaced per check, it took what a check promoted into the old generation from 505 to 96 bytes at 100,000 services
/// (GC trace; docs/PERFORMANCE.md, "What a check leaves behind: young collections four times cheaper").
/// </remarks>
public readonly record struct ServiceRuntime(HealthStatus? LastStatus, DateTimeOffset? LastCheckedAt, int? LastResponseTimeMs, DateTimeOffset? NextCheckAt)
{
    public DateTimeOffset? TlsExpiresAt { get; init; }

    public DateTimeOffset? RunStartedAt { get; init; }

    /// <summary>A heartbeat's occurrences up to this time are decided (stored with each decision, see HeartbeatStore).</summary>
    public DateTimeOffset? DecidedThrough { get; init; }

    public static readonly ServiceRuntime Empty = new(null, null, null, null);
}
