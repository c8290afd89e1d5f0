namespace Monitoring.Grains.Interfaces.Models;

/// <summary>
/// What a status page and a service's badges show of a service, answered by its grain from memory (the latest
/// result and the uptime window; no SQL). Periods are whole UTC buckets ending with the current one, as
/// <c>/uptime-stats</c> draws its buckets: 24h and 7d are the last 24 and 168 UTC hours, 30d and 90d the last 30
/// and 90 UTC days, each including the one under way.
/// </summary>
[GenerateSerializer, Immutable, Alias("service-summary")]
public sealed record ServiceSummary
{
    public const int DayCount = 90;

    /// <summary>The periods a badge may show.</summary>
    public static readonly IReadOnlyList<string> Periods = ["24h", "7d", "30d", "90d"];

    [Id(0)] public required long Id { get; init; }
    [Id(1)] public required long ClientId { get; init; }
    [Id(2)] public required string Name { get; init; }
    [Id(3)] public required bool Public { get; init; }
    [Id(4)] public required bool Enabled { get; init; }
    [Id(5)] public HealthStatus? LastStatus { get; init; }
    [Id(6)] public DateTimeOffset? LastCheckedAt { get; init; }

    /// <summary>Whether a maintenance window covers the service now.</summary>
    [Id(7)] public bool InMaintenance { get; init; }

    /// <summary>The UTC day of <see cref="Days"/>[0]; the last of them is today.</summary>
    [Id(8)] public required DateTimeOffset FirstDay { get; init; }

    /// <summary><see cref="DayCount"/> daily counts, oldest first.</summary>
    [Id(9)] public required UptimeCounts[] Days { get; init; }
    [Id(10)] public required UptimeCounts Last24Hours { get; init; }
    [Id(11)] public required UptimeCounts Last7Days { get; init; }
    [Id(12)] public required UptimeCounts Last30Days { get; init; }
    [Id(13)] public required UptimeCounts Last90Days { get; init; }

    /// <summary>When the grain answered.</summary>
    [Id(14)] public required DateTimeOffset At { get; init; }

    /// <summary>
    /// What a badge or a page shows as its state: maintenance, the latest class, or unknown (never checked, or disabled:
    /// a paused service's last result says nothing about now).
    /// </summary>
    public string Shown => !Enabled ? "unknown" : InMaintenance ? "maintenance" : LastStatus?.ToWire() ?? "unknown";

    /// <summary>The counts of a badge period: <c>24h</c>, <c>7d</c>, <c>30d</c> or <c>90d</c>; null for another.</summary>
    public UptimeCounts? Period(string period) => period switch
    {
        "24h" => Last24Hours,
        "7d" => Last7Days,
        "30d" => Last30Days,
        "90d" => Last90Days,
        _ => null,
    };
}
