namespace Monitoring.Grains.Interfaces.Models;

/// <summary>A maintenance window as alerting.md returns it: one-off (<c>starts_at</c>/<c>ends_at</c>) or recurring (cron + duration).</summary>
[GenerateSerializer, Immutable, Alias("maintenance-window")]
public sealed record MaintenanceWindowRecord
{
    [Id(0)] public required long Id { get; init; }
    [Id(1)] public required long ClientId { get; init; }
    [Id(2)] public required string Name { get; init; }

    /// <summary>The services it covers; empty: every service of the client.</summary>
    [Id(3)] public long[] ServiceIds { get; init; } = [];
    [Id(4)] public DateTimeOffset? StartsAt { get; init; }
    [Id(5)] public DateTimeOffset? EndsAt { get; init; }
    [Id(6)] public string? CronSchedule { get; init; }
    [Id(7)] public string? CronTimezone { get; init; }
    [Id(8)] public int? DurationMinutes { get; init; }

    /// <summary>Whether a window of it is open at the time the record was read.</summary>
    [Id(9)] public required bool Active { get; init; }
    [Id(10)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(11)] public required DateTimeOffset UpdatedAt { get; init; }
}
