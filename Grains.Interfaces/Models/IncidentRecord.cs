namespace Monitoring.Grains.Interfaces.Models;

/// <summary>An incident as alerting.md returns it: one stretch of trouble of one service.</summary>
[GenerateSerializer, Immutable, Alias("incident")]
public sealed record IncidentRecord
{
    [Id(0)] public required long Id { get; init; }
    [Id(1)] public required long ServiceId { get; init; }
    [Id(2)] public required long ClientId { get; init; }

    /// <summary><c>open</c> or <c>resolved</c>.</summary>
    [Id(3)] public required string Status { get; init; }

    /// <summary>The worst status seen during the incident: <c>down</c> or <c>degraded</c>.</summary>
    [Id(4)] public required HealthStatus Severity { get; init; }
    [Id(5)] public required DateTimeOffset StartedAt { get; init; }
    [Id(6)] public required DateTimeOffset ConfirmedAt { get; init; }
    [Id(7)] public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary><c>recovered</c>, <c>disabled</c> or null while open.</summary>
    [Id(8)] public string? ResolvedReason { get; init; }

    /// <summary><c>resolved_at − started_at</c> in milliseconds; null while open.</summary>
    [Id(9)] public long? DurationMs { get; init; }
    [Id(10)] public string? FirstError { get; init; }
    [Id(11)] public string? LastError { get; init; }
    [Id(12)] public required int BadChecks { get; init; }
    [Id(13)] public required bool Suppressed { get; init; }
    [Id(14)] public DateTimeOffset? AcknowledgedAt { get; init; }
    [Id(15)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(16)] public required DateTimeOffset UpdatedAt { get; init; }
}
