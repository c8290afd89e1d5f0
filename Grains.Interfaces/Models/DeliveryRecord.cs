namespace Monitoring.Grains.Interfaces.Models;

/// <summary>One notification in the outbox (an alert-deliveries record): to one channel, about one incident or a test.</summary>
[GenerateSerializer, Immutable, Alias("alert-delivery")]
public sealed record DeliveryRecord
{
    [Id(0)] public required long Id { get; init; }
    [Id(1)] public required long ChannelId { get; init; }
    /// <summary>The client the notice is about; null only for a test of a shared channel.</summary>
    [Id(2)] public long? ClientId { get; init; }
    [Id(3)] public long? IncidentId { get; init; }
    [Id(4)] public long? ServiceId { get; init; }

    /// <summary><c>triggered</c>, <c>resolved</c>, <c>reminder</c> or <c>test</c>.</summary>
    [Id(5)] public required string Event { get; init; }

    /// <summary><c>pending</c>, <c>sent</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    [Id(6)] public required string State { get; init; }
    [Id(7)] public required int Attempts { get; init; }
    [Id(8)] public int? LastStatusCode { get; init; }
    [Id(9)] public string? LastError { get; init; }
    [Id(10)] public DateTimeOffset? NextAttemptAt { get; init; }
    [Id(11)] public DateTimeOffset? SentAt { get; init; }
    [Id(12)] public required DateTimeOffset CreatedAt { get; init; }
}
