namespace Monitoring.Grains.Interfaces.Models;

/// <summary>
/// A monitored service as the API returns it: never the password, only whether one is stored. A field that does not
/// apply to the service's <see cref="Type"/> is null (monitors.md).
/// </summary>
[GenerateSerializer, Immutable, Alias("service")]
public sealed record ServiceRecord
{
    [Id(0)] public required long Id { get; init; }
    [Id(1)] public required long ClientId { get; init; }
    [Id(2)] public required string Name { get; init; }
    [Id(3)] public string? EndpointUrl { get; init; }
    [Id(4)] public string? Method { get; init; }
    [Id(5)] public int? ExpectedStatusCode { get; init; }
    [Id(6)] public required int TimeoutMs { get; init; }
    [Id(7)] public int? DegradedThresholdMs { get; init; }
    [Id(8)] public required string CronTimezone { get; init; }
    [Id(9)] public required string CronSchedule { get; init; }
    [Id(10)] public required bool Enabled { get; init; }
    [Id(11)] public string? BasicAuthUsername { get; init; }
    [Id(12)] public required bool HasBasicAuthPassword { get; init; }
    [Id(13)] public HealthStatus? LastStatus { get; init; }
    [Id(14)] public DateTimeOffset? LastCheckedAt { get; init; }
    [Id(15)] public DateTimeOffset? NextCheckAt { get; init; }
    [Id(16)] public int? LastResponseTimeMs { get; init; }
    [Id(17)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(18)] public required DateTimeOffset UpdatedAt { get; init; }
    [Id(19)] public long[] AlertChannelIds { get; init; } = [];
    [Id(20)] public int FailureThreshold { get; init; } = 3;
    [Id(21)] public int SuccessThreshold { get; init; } = 2;
    [Id(22)] public string AlertOn { get; init; } = "down";
    [Id(23)] public int? RenotifyMinutes { get; init; }
    [Id(24)] public long? DependsOnServiceId { get; init; }
    [Id(25)] public string Type { get; init; } = "http";
    [Id(26)] public string? RequestBody { get; init; }
    [Id(27)] public Dictionary<string, string>? RequestHeaders { get; init; }
    [Id(28)] public bool? FollowRedirects { get; init; }
    [Id(29)] public bool? TlsVerify { get; init; }
    [Id(30)] public int? TlsExpiryDays { get; init; }
    [Id(31)] public string[]? Conditions { get; init; }
    [Id(32)] public int? GraceSeconds { get; init; }

    /// <summary>Where the job reports: <c>{PUBLIC_URL}/ping/{token}</c>; the gateway fills it from <see cref="PingToken"/>.</summary>
    [Id(33)] public string? PingUrl { get; init; }

    /// <summary>The heartbeat's token (a secret); never written as a field of its own.</summary>
    [Id(34), System.Text.Json.Serialization.JsonIgnore] public string? PingToken { get; init; }

    /// <summary>The certificate's notAfter from the latest check that saw one.</summary>
    [Id(35)] public DateTimeOffset? TlsExpiresAt { get; init; }

    /// <summary>Whether its badges are served without a key.</summary>
    [Id(36)] public bool Public { get; init; }
}
