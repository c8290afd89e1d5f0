using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Delivery;

/// <summary>An alert_deliveries row, read by column name (Dapper).</summary>
public sealed record DeliveryRow
{
    public const string Columns =
        "id, channel_id, client_id, incident_id, service_id, event, state, attempts, last_status_code, last_error, next_attempt_at, sent_at, claimed_by, claimed_until, created_at";

    public long Id { get; init; }
    public long ChannelId { get; init; }
    public long? ClientId { get; init; }
    public long? IncidentId { get; init; }
    public long? ServiceId { get; init; }
    public string Event { get; init; } = "test";
    public string State { get; init; } = "pending";
    public int Attempts { get; init; }
    public int? LastStatusCode { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public string? ClaimedBy { get; init; }
    public DateTimeOffset? ClaimedUntil { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The identity every attempt of this delivery carries (<c>webhook-id</c>, e-mail Message-ID): <c>dlv_42</c>.</summary>
    public string Identity => $"dlv_{Id}";

    public DeliveryRecord ToRecord() => new()
    {
        Id = Id,
        ChannelId = ChannelId,
        ClientId = ClientId,
        IncidentId = IncidentId,
        ServiceId = ServiceId,
        Event = Event,
        State = State,
        Attempts = Attempts,
        LastStatusCode = LastStatusCode,
        LastError = LastError,
        NextAttemptAt = NextAttemptAt,
        SentAt = SentAt,
        CreatedAt = CreatedAt,
    };
}
