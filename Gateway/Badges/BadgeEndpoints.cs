using System.Globalization;
using Monitoring.Gateway.Errors;
using Monitoring.Gateway.StatusPages;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.Badges;

/// <summary>
/// <c>/badges/services/{id}/status.svg</c>, <c>/uptime/{period}.svg</c> and <c>/response-time/{period}.svg</c>
/// (operations.md): open without a key for services with <c>public: true</c>, 404 for any other id;
/// <c>Cache-Control: public, max-age=60</c>. Each is one call to the service's grain, answered from memory.
/// Periods are whole UTC hours (24h, 7d) or days (30d, 90d) ending with the current one (see <see cref="ServiceSummary"/>).
/// </summary>
public static class BadgeEndpoints
{
    public static IEndpointRouteBuilder MapBadges(this IEndpointRouteBuilder app)
    {
        var badges = app.MapGroup("/badges/services/{id}").AllowAnonymous().WithTags("badges");
        badges.MapGet("/status.svg", (string id, IGrainFactory grains, HttpContext context) =>
                BadgeAsync(id, null, grains, context, summary => StatusBadge(summary)))
            .WithSummary("The service's current state as a badge (public services only)");
        badges.MapGet("/uptime/{period}.svg", (string id, string period, IGrainFactory grains, HttpContext context) =>
                BadgeAsync(id, period, grains, context, summary => UptimeBadge(summary, period)))
            .WithSummary("The service's uptime over 24h, 7d, 30d or 90d as a badge (public services only)");
        badges.MapGet("/response-time/{period}.svg", (string id, string period, IGrainFactory grains, HttpContext context) =>
                BadgeAsync(id, period, grains, context, summary => ResponseTimeBadge(summary, period)))
            .WithSummary("The service's average response time over 24h, 7d, 30d or 90d as a badge (public services only)");
        return app;
    }

    /// <summary>The badge of the current state: up, degraded, down, maintenance (a window is open) or unknown (never checked).</summary>
    public static string StatusBadge(ServiceSummary summary)
    {
        var shown = summary.Shown;
        var color = shown switch
        {
            "up" => BadgeSvg.Green,
            "degraded" => BadgeSvg.Yellow,
            "down" => BadgeSvg.Red,
            "maintenance" => BadgeSvg.Blue,
            _ => BadgeSvg.LightGrey,
        };
        return BadgeSvg.Render("status", shown, color, $"{summary.Name} status: {shown}");
    }

    /// <summary>The badge of the uptime percentage over <paramref name="period"/>, 2 decimals (cut, not rounded).</summary>
    public static string UptimeBadge(ServiceSummary summary, string period)
    {
        var percentage = StatusPageBody.Cut(summary.Period(period)!.Value);
        var message = percentage is { } p ? p.ToString("0.00", CultureInfo.InvariantCulture) + "%" : "no data";
        var color = percentage switch
        {
            null => BadgeSvg.LightGrey,
            >= 99.9 => BadgeSvg.Green,
            >= 99 => BadgeSvg.YellowGreen,
            >= 95 => BadgeSvg.Yellow,
            >= 90 => BadgeSvg.Orange,
            _ => BadgeSvg.Red,
        };
        return BadgeSvg.Render($"uptime {period}", message, color, $"{summary.Name} uptime over {period}: {message}");
    }

    /// <summary>The badge of the average response time over <paramref name="period"/>, in whole ms.</summary>
    public static string ResponseTimeBadge(ServiceSummary summary, string period)
    {
        var average = summary.Period(period)!.Value.AverageResponseTimeMs;
        var message = average is { } ms ? Math.Round(ms, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture) + " ms" : "no data";
        return BadgeSvg.Render($"response time {period}", message, average is null ? BadgeSvg.LightGrey : BadgeSvg.Blue,
            $"{summary.Name} average response time over {period}: {message}");
    }

    private static async Task<IResult> BadgeAsync(string id, string? period, IGrainFactory grains, HttpContext context, Func<ServiceSummary, string> draw)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var serviceId) || serviceId <= 0)
        {
            return ErrorResults.NoRecord(id);
        }

        if (period is not null && !ServiceSummary.Periods.Contains(period))
        {
            return ErrorResults.BadRequest($"Unknown period '{period}': use 24h, 7d, 30d or 90d", new Dictionary<string, string> { ["period"] = "must be 24h, 7d, 30d or 90d" });
        }

        var hidden = context.RequestServices.GetRequiredService<HiddenServices>();
        if (hidden.IsHidden(serviceId) || await grains.GetGrain<IServiceMonitorGrain>(serviceId).GetSummaryAsync() is not { Public: true } summary)
        {
            hidden.Remember(serviceId);
            return ErrorResults.NoRecord(id);
        }

        context.Response.Headers.CacheControl = "public, max-age=60";
        return Results.Text(draw(summary), "image/svg+xml; charset=utf-8");
    }
}
