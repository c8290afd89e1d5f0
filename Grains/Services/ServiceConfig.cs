using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Monitors;

namespace Monitoring.Grains.Services;

/// <summary>
/// A monitored service as its row holds it; the password and the ping token only as ciphertext (the token also as
/// its SHA-256). Fields that do not apply to <see cref="Type"/> keep their defaults in the row and read as null in the API.
/// </summary>
public sealed record ServiceConfig
{
    public required long Id { get; init; }
    public required long ClientId { get; init; }
    public required string Name { get; init; }
    /// <summary>The URL checked (http) or <c>tcp://host:port</c>/<c>tls://host:port</c>; null for a heartbeat.</summary>
    public required string? EndpointUrl { get; init; }
    public string Method { get; init; } = "GET";
    public int ExpectedStatusCode { get; init; } = 200;
    public int TimeoutMs { get; init; } = 5000;
    public int? DegradedThresholdMs { get; init; } = 2000;
    public string CronSchedule { get; init; } = "*/5 * * * *";
    public string CronTimezone { get; init; } = "UTC";
    public bool Enabled { get; init; } = true;

    /// <summary>Whether its badges are served without a key (operations.md).</summary>
    public bool Public { get; init; }
    public string? BasicAuthUsername { get; init; }
    public string? PasswordCiphertext { get; init; }
    public long[] AlertChannelIds { get; init; } = [];
    public int FailureThreshold { get; init; } = 3;
    public int SuccessThreshold { get; init; } = 2;
    public string AlertOn { get; init; } = "down";
    public int? RenotifyMinutes { get; init; }
    public long? DependsOnServiceId { get; init; }

    /// <summary><see cref="MonitorTypes.Http"/>, <see cref="MonitorTypes.Tcp"/> or <see cref="MonitorTypes.Heartbeat"/>.</summary>
    public string Type { get; init; } = MonitorTypes.Http;
    public string? RequestBody { get; init; }
    public HeaderList? RequestHeaders { get; init; }
    public bool FollowRedirects { get; init; }
    public bool TlsVerify { get; init; } = true;
    public int? TlsExpiryDays { get; init; } = 14;
    public string[] Conditions { get; init; } = [];
    public int GraceSeconds { get; init; } = 60;
    public byte[]? PingTokenHash { get; init; }
    public string? PingTokenCiphertext { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public bool IsHttp => Type == MonitorTypes.Http;

    public bool IsTcp => Type == MonitorTypes.Tcp;

    public bool IsHeartbeat => Type == MonitorTypes.Heartbeat;

    /// <summary>The API's record; <paramref name="pingToken"/> is the decrypted token of a heartbeat (the gateway makes ping_url of it).</summary>
    public ServiceRecord ToRecord(ServiceRuntime runtime, string? pingToken = null) => new()
    {
        Id = Id,
        ClientId = ClientId,
        Name = Name,
        EndpointUrl = IsHeartbeat ? null : EndpointUrl,
        Method = IsHttp ? Method : null,
        ExpectedStatusCode = IsHttp ? ExpectedStatusCode : null,
        TimeoutMs = TimeoutMs,
        DegradedThresholdMs = IsHeartbeat ? null : DegradedThresholdMs,
        CronTimezone = CronTimezone,
        CronSchedule = CronSchedule,
        Enabled = Enabled,
        Public = Public,
        BasicAuthUsername = IsHttp ? BasicAuthUsername : null,
        HasBasicAuthPassword = PasswordCiphertext is not null,
        Type = Type,
        RequestBody = IsHttp ? RequestBody : null,
        RequestHeaders = IsHttp ? RequestHeaders?.ToDictionary() : null,
        FollowRedirects = IsHttp ? FollowRedirects : null,
        TlsVerify = IsHeartbeat ? null : TlsVerify,
        TlsExpiryDays = IsHeartbeat ? null : TlsExpiryDays,
        Conditions = IsHttp ? Conditions : null,
        GraceSeconds = IsHeartbeat ? GraceSeconds : null,
        PingToken = IsHeartbeat ? pingToken : null,
        TlsExpiresAt = IsHeartbeat ? null : runtime.TlsExpiresAt,
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
        CronSchedule == other.CronSchedule && CronTimezone == other.CronTimezone && Enabled == other.Enabled
        && Type == other.Type && (!IsHeartbeat || (GraceSeconds == other.GraceSeconds && TimeoutMs == other.TimeoutMs));
}
