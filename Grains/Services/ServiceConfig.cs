using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Services;

/// <summary>A monitored service as its row holds it; the password only as ciphertext.</summary>
public sealed record ServiceConfig
{
    public required long Id { get; init; }
    public required long ClientId { get; init; }
    public required string Name { get; init; }
    public required string EndpointUrl { get; init; }
    public string Method { get; init; } = "GET";
    public int ExpectedStatusCode { get; init; } = 200;
    public int TimeoutMs { get; init; } = 5000;
    public int? DegradedThresholdMs { get; init; } = 2000;
    public string CronSchedule { get; init; } = "*/5 * * * *";
    public string CronTimezone { get; init; } = "UTC";
    public bool Enabled { get; init; } = true;
    public string? BasicAuthUsername { get; init; }
    public string? PasswordCiphertext { get; init; }
    public long[] AlertChannelIds { get; init; } = [];
    public int FailureThreshold { get; init; } = 3;
    public int SuccessThreshold { get; init; } = 2;
    public string AlertOn { get; init; } = "down";
    public int? RenotifyMinutes { get; init; }
    public long? DependsOnServiceId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public ServiceRecord ToRecord(ServiceRuntime runtime) => new()
    {
        Id = Id,
        ClientId = ClientId,
        Name = Name,
        EndpointUrl = EndpointUrl,
        Method = Method,
        ExpectedStatusCode = ExpectedStatusCode,
        TimeoutMs = TimeoutMs,
        DegradedThresholdMs = DegradedThresholdMs,
        CronTimezone = CronTimezone,
        CronSchedule = CronSchedule,
        Enabled = Enabled,
        BasicAuthUsername = BasicAuthUsername,
        HasBasicAuthPassword = PasswordCiphertext is not null,
        AlertChannelIds = AlertChannelIds,
        FailureThreshold = FailureThreshold,
        SuccessThreshold = SuccessThreshold,
        AlertOn = AlertOn,
        RenotifyMinutes = RenotifyMinutes,
        DependsOnServiceId = DependsOnServiceId,
        LastStatus = runtime.LastStatus,
        LastCheckedAt = runtime.LastCheckedAt,
        LastResponseTimeMs = runtime.LastResponseTimeMs,
        NextCheckAt = runtime.NextCheckAt,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
    };

    /// <summary>Whether a change of this config changes when the service is checked.</summary>
    public bool SchedulesLike(ServiceConfig other) =>
        CronSchedule == other.CronSchedule && CronTimezone == other.CronTimezone && Enabled == other.Enabled;
}
