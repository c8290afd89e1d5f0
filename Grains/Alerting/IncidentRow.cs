using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Alerting;

/// <summary>An incidents row, read by column name (Dapper).</summary>
public sealed record IncidentRow
{
    public const string Columns =
        "id, service_id, client_id, status, severity, started_at, confirmed_at, resolved_at, resolved_reason, first_error, last_error, bad_checks, suppressed, acknowledged_at, last_checked_at, last_notified_at, created_at, updated_at";

    public long Id { get; init; }
    public long ServiceId { get; init; }
    public long ClientId { get; init; }
    public string Status { get; init; } = "open";
    public string Severity { get; init; } = "down";
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset ConfirmedAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolvedReason { get; init; }
    public string? FirstError { get; init; }
    public string? LastError { get; init; }
    public int BadChecks { get; init; }
    public bool Suppressed { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public DateTimeOffset LastCheckedAt { get; init; }
    public DateTimeOffset? LastNotifiedAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public bool IsOpen => Status == "open";

    public IncidentRecord ToRecord() => new()
    {
        Id = Id,
        ServiceId = ServiceId,
        ClientId = ClientId,
        Status = Status,
        Severity = HealthStatusNames.FromWire(Severity),
        StartedAt = StartedAt,
        ConfirmedAt = ConfirmedAt,
        ResolvedAt = ResolvedAt,
        ResolvedReason = ResolvedReason,
        DurationMs = ResolvedAt is { } end ? (long)(end - StartedAt).TotalMilliseconds : null,
        FirstError = FirstError,
        LastError = LastError,
        BadChecks = BadChecks,
        Suppressed = Suppressed,
        AcknowledgedAt = AcknowledgedAt,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
    };

    /// <summary>The open incident as the tracker holds it.</summary>
    public OpenIncident ToOpen() => new(StartedAt, ConfirmedAt, HealthStatusNames.FromWire(Severity), BadChecks, FirstError, LastError, Suppressed);
}
