namespace Monitoring.Grains.Interfaces.Models;

/// <summary>
/// One check result (a service-status record). <see cref="DetailsJson"/> is a JSON object or null;
/// <see cref="ConditionResultsJson"/> a JSON array of <c>{"condition", "success"}</c> or null.
/// </summary>
[GenerateSerializer, Immutable, Alias("status")]
public sealed record StatusRecord(
    [property: Id(0)] long Id,
    [property: Id(1)] long ServiceId,
    [property: Id(2)] long ClientId,
    [property: Id(3)] HealthStatus Status,
    [property: Id(4)] int? StatusCode,
    [property: Id(5)] int ResponseTimeMs,
    [property: Id(6)] string? ReportedStatus,
    [property: Id(7)] string? Error,
    [property: Id(8)] string? DetailsJson,
    [property: Id(9)] string Trigger,
    [property: Id(10)] DateTimeOffset CheckedAt,
    [property: Id(11)] bool InMaintenance = false,
    [property: Id(12)] DateTimeOffset? TlsExpiresAt = null,
    [property: Id(13)] string? ConditionResultsJson = null);
