using System.Text.Json.Serialization;

namespace Monitoring.Grains.Interfaces.Models;

/// <summary>
/// A notification channel as alerting.md returns it. Never a secret: Slack, Discord and Teams URLs are shown as
/// scheme + host + <c>/…</c>; <see cref="Secret"/> is set only in the answer to the create that generated it.
/// </summary>
[GenerateSerializer, Immutable, Alias("alert-channel")]
public sealed record AlertChannelRecord
{
    [Id(0)] public required long Id { get; init; }
    [Id(1)] public long? ClientId { get; init; }
    [Id(2)] public required string Name { get; init; }

    /// <summary><c>webhook</c>, <c>slack</c>, <c>discord</c>, <c>teams</c>, <c>pagerduty</c> or <c>email</c>.</summary>
    [Id(3)] public required string Type { get; init; }
    [Id(4)] public string? Url { get; init; }
    [Id(5)] public required bool HasSecret { get; init; }
    [Id(6)] public string[] EmailTo { get; init; } = [];
    [Id(7)] public required bool Enabled { get; init; }
    [Id(8)] public required bool SendResolved { get; init; }
    [Id(9)] public DateTimeOffset? LastDeliveryAt { get; init; }
    [Id(10)] public string? LastDeliveryState { get; init; }
    [Id(11)] public string? LastError { get; init; }
    [Id(12)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(13)] public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The webhook signing secret the server generated, in the create answer only; otherwise null and not written.</summary>
    [Id(14), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Secret { get; init; }
}
