namespace Monitoring.Grains.Interfaces.Models;

/// <summary>
/// Everything a status page shows, gathered once and shared by every visitor for a few seconds: the page, its
/// services' summaries (in the page's order, services since removed left out), and their incidents that are open
/// or were resolved in the last <see cref="RecentDays"/> days.
/// </summary>
[GenerateSerializer, Immutable, Alias("status-page-view")]
public sealed record StatusPageView
{
    public const int RecentDays = 14;

    [Id(0)] public required StatusPageRecord Page { get; init; }
    [Id(1)] public required ServiceSummary[] Services { get; init; }
    [Id(2)] public required PageIncident[] Incidents { get; init; }
    [Id(3)] public required DateTimeOffset At { get; init; }
}

/// <summary>An incident as a status page shows it: no error texts (they may name internal hosts).</summary>
[GenerateSerializer, Immutable, Alias("page-incident")]
public sealed record PageIncident(
    [property: Id(0)] long Id,
    [property: Id(1)] long ServiceId,
    [property: Id(2)] string Severity,
    [property: Id(3)] DateTimeOffset StartedAt,
    [property: Id(4)] DateTimeOffset? ResolvedAt)
{
    public bool Open => ResolvedAt is null;

    /// <summary>Start to resolution, or to <paramref name="now"/> while open.</summary>
    public TimeSpan Duration(DateTimeOffset now) => (ResolvedAt ?? now) - StartedAt;
}
