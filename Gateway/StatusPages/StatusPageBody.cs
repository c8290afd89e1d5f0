using System.Globalization;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.StatusPages;

/// <summary>
/// <c>GET /status/{slug}.json</c>, and what the HTML page renders: the page's title and description, its overall state,
/// and per service its state, the 90 UTC days of uptime (oldest first, the last one today), the 90-day uptime, its
/// open incidents and those resolved in the last 14 days. Percentages are (up + degraded) / checks × 100, cut (not
/// rounded) to 2 decimals, so a day with any downtime never reads 100.00; null when there were no checks.
/// </summary>
public sealed record StatusPageBody(
    string Slug,
    string Title,
    string? Description,
    string State,
    string StateText,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<PageServiceBody> Services)
{
    /// <summary>The body of <paramref name="view"/>.</summary>
    public static StatusPageBody From(StatusPageView view)
    {
        var incidents = view.Incidents.ToLookup(i => i.ServiceId);
        var services = view.Services.Select(s => PageServiceBody.From(s, incidents[s.Id], view.At)).ToList();
        var state = PageState.Of(services.Select(s => s.Status).ToList());
        return new StatusPageBody(view.Page.Slug, view.Page.Title, view.Page.Description, state, PageState.Text(state), view.At, services);
    }

    /// <summary>(up + degraded) / checks × 100 cut to 2 decimals, in whole numbers (a double's error would cut 58 to 57.99); null without checks.</summary>
    public static double? Cut(UptimeCounts counts) =>
        counts.Total == 0 ? null : (double)((counts.Up + counts.Degraded) * 10_000 / counts.Total) / 100;

    /// <summary><c>99.50 %</c>, or <c>no data</c>.</summary>
    public static string Percent(double? percentage) =>
        percentage is { } p ? p.ToString("0.00", CultureInfo.InvariantCulture) + " %" : "no data";
}

/// <summary>One service of a status page.</summary>
public sealed record PageServiceBody(
    long Id,
    string Name,
    string Status,
    string StatusText,
    DateTimeOffset? LastCheckedAt,
    double? UptimePercentage,
    IReadOnlyList<PageDayBody> Days,
    IReadOnlyList<PageIncidentBody> OpenIncidents,
    IReadOnlyList<PageIncidentBody> RecentIncidents)
{
    public static PageServiceBody From(ServiceSummary summary, IEnumerable<PageIncident> incidents, DateTimeOffset now)
    {
        var days = summary.Days.Select((counts, i) => PageDayBody.Of(summary.FirstDay.AddDays(i), counts)).ToList();
        var all = incidents.ToList();
        return new PageServiceBody(
            summary.Id,
            summary.Name,
            summary.Shown,
            summary.Enabled ? PageState.ServiceText(summary.Shown) : "Paused",
            summary.LastCheckedAt,
            StatusPageBody.Cut(summary.Last90Days),
            days,
            all.Where(i => i.Open).Select(i => PageIncidentBody.Of(i, now)).ToList(),
            all.Where(i => !i.Open).Select(i => PageIncidentBody.Of(i, now)).ToList());
    }
}

/// <summary>
/// One UTC day of a service: <c>level</c> is the bar's colour class: <c>none</c> (no checks), <c>up</c> (≥ 99.9 %),
/// <c>degraded</c> (≥ 95 %), else <c>down</c>.
/// </summary>
public sealed record PageDayBody(string Date, double? UptimePercentage, long Checks, string Level)
{
    public static PageDayBody Of(DateTimeOffset day, UptimeCounts counts)
    {
        var percentage = StatusPageBody.Cut(counts);
        var level = percentage switch
        {
            null => "none",
            >= 99.9 => "up",
            >= 95 => "degraded",
            _ => "down",
        };
        return new PageDayBody(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), percentage, counts.Total, level);
    }

    /// <summary>The bar's tooltip: <c>2026-09-02: 99.50 %</c> or <c>2026-09-02: no data</c>.</summary>
    public string Tooltip => $"{Date}: {StatusPageBody.Percent(UptimePercentage)}";
}

/// <summary>An incident on a status page; <c>duration_ms</c> runs to now while it is open.</summary>
public sealed record PageIncidentBody(long Id, string Severity, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt, long DurationMs)
{
    public static PageIncidentBody Of(PageIncident incident, DateTimeOffset now) =>
        new(incident.Id, incident.Severity, incident.StartedAt, incident.ResolvedAt, (long)incident.Duration(now).TotalMilliseconds);
}
