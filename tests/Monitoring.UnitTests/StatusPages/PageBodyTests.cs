using Monitoring.Gateway.StatusPages;

namespace Monitoring.UnitTests.StatusPages;

/// <summary>How a day, a percentage and an incident read on a status page.</summary>
public sealed class PageBodyTests
{
    private static readonly DateTimeOffset Day = new(2026, 9, 2, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, 0, 0, null, "none", "2026-09-02: no data")]
    [InlineData(10, 10, 0, 100.0, "up", "2026-09-02: 100.00 %")]
    [InlineData(10, 5, 5, 100.0, "up", "2026-09-02: 100.00 %")]
    [InlineData(10000, 9990, 0, 99.9, "up", "2026-09-02: 99.90 %")]
    [InlineData(10000, 9989, 0, 99.89, "degraded", "2026-09-02: 99.89 %")]
    [InlineData(100000, 99999, 0, 99.99, "up", "2026-09-02: 99.99 %")]
    [InlineData(3, 2, 0, 66.66, "down", "2026-09-02: 66.66 %")]
    [InlineData(20, 19, 0, 95.0, "degraded", "2026-09-02: 95.00 %")]
    [InlineData(5, 0, 0, 0.0, "down", "2026-09-02: 0.00 %")]
    [InlineData(50, 29, 0, 58.0, "down", "2026-09-02: 58.00 %")]
    [InlineData(100, 57, 0, 57.0, "down", "2026-09-02: 57.00 %")]
    [InlineData(1440, 414, 0, 28.75, "down", "2026-09-02: 28.75 %")]
    public void A_day_is_cut_to_two_decimals_and_coloured_by_its_uptime(long total, long up, long degraded, double? percentage, string level, string tooltip)
    {
        var day = PageDayBody.Of(Day, new UptimeCounts(total, up, degraded, total * 100));
        Assert.Equal("2026-09-02", day.Date);
        Assert.Equal(percentage, day.UptimePercentage);
        Assert.Equal(level, day.Level);
        Assert.Equal(tooltip, day.Tooltip);
        Assert.Equal(total, day.Checks);
    }

    [Fact]
    public void A_day_with_any_downtime_never_reads_100()
    {
        var day = PageDayBody.Of(Day, new UptimeCounts(1_000_000, 999_999, 0, 0));
        Assert.Equal("2026-09-02: 99.99 %", day.Tooltip);
    }

    [Fact]
    public void An_open_incident_lasts_until_now_and_a_resolved_one_until_its_resolution()
    {
        var started = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);
        var now = started.AddMinutes(90);
        Assert.Equal(90 * 60_000, PageIncidentBody.Of(new PageIncident(1, 2, "down", started, null), now).DurationMs);
        Assert.Equal(5 * 60_000, PageIncidentBody.Of(new PageIncident(1, 2, "down", started, started.AddMinutes(5)), now).DurationMs);
    }
}
