namespace Monitoring.Grains.Interfaces.Models;

/// <summary>The writable fields of a maintenance window as a create or patch body carried them.</summary>
[GenerateSerializer, Immutable, Alias("maintenance-window-fields")]
public sealed record MaintenanceWindowFields
{
    [Id(0)] public Optional<long?> ClientId { get; init; }
    [Id(1)] public Optional<string?> Name { get; init; }
    [Id(2)] public Optional<long[]?> ServiceIds { get; init; }
    [Id(3)] public Optional<DateTimeOffset?> StartsAt { get; init; }
    [Id(4)] public Optional<DateTimeOffset?> EndsAt { get; init; }
    [Id(5)] public Optional<string?> CronSchedule { get; init; }
    [Id(6)] public Optional<string?> CronTimezone { get; init; }
    [Id(7)] public Optional<int?> DurationMinutes { get; init; }
}
