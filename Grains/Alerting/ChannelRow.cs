using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Alerting;

/// <summary>
/// An alert_channels row. <see cref="Url"/> is what may be shown (the full URL of webhook and pagerduty
/// channels, scheme + host + <c>/…</c> of the others); the secret URL and the secret are ciphertext only.
/// </summary>
public sealed record ChannelRow
{
    public long Id { get; init; }
    public long? ClientId { get; init; }
    public string Name { get; init; } = string.Empty;
    public string Type { get; init; } = string.Empty;
    public string? Url { get; init; }
    public string? UrlCiphertext { get; init; }
    public string? SecretCiphertext { get; init; }
    public string[] EmailTo { get; init; } = [];
    public bool Enabled { get; init; } = true;
    public bool SendResolved { get; init; } = true;
    public DateTimeOffset? LastDeliveryAt { get; init; }
    public string? LastDeliveryState { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The associated data a secret URL of channel <paramref name="id"/> is encrypted under.</summary>
    public static string UrlContext(long id) => $"alert_channels/{id}/url";

    /// <summary>The associated data the secret (signing secret, routing key) of channel <paramref name="id"/> is encrypted under.</summary>
    public static string SecretContext(long id) => $"alert_channels/{id}/secret";

    public AlertChannelRecord ToRecord() => new()
    {
        Id = Id,
        ClientId = ClientId,
        Name = Name,
        Type = Type,
        Url = Url,
        HasSecret = SecretCiphertext is not null,
        EmailTo = EmailTo,
        Enabled = Enabled,
        SendResolved = SendResolved,
        LastDeliveryAt = LastDeliveryAt,
        LastDeliveryState = LastDeliveryState,
        LastError = LastError,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
    };

    /// <summary>What a client-scoped key may see of a shared channel: its id, name and type.</summary>
    public static AlertChannelRecord Shared(AlertChannelRecord record) => new()
    {
        Id = record.Id,
        ClientId = null,
        Name = record.Name,
        Type = record.Type,
        HasSecret = false,
        Enabled = record.Enabled,
        SendResolved = record.SendResolved,
        CreatedAt = record.CreatedAt,
        UpdatedAt = record.UpdatedAt,
    };
}
