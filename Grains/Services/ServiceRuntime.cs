using Monitoring.Grains.Interfaces.Models;
namespace Monitoring.Grains.Services;

/// <summary>The read-only runtime fields of a service: its latest result and its next scheduled check.</summary>
public sealed record ServiceRuntime(HealthStatus? LastStatus, DateTimeOffset? LastCheckedAt, int? LastResponseTimeMs, DateTimeOffset? NextCheckAt)
{
    public static readonly ServiceRuntime Empty = new(null, null, null, null);
}
