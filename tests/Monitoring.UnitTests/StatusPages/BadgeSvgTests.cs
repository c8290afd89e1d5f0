using System.Xml.Linq;
using Monitoring.Gateway.Badges;
using Monitoring.Gateway.StatusPages;

namespace Monitoring.UnitTests.StatusPages;

/// <summary>The badge template: valid SVG whatever the text, parts as wide as their text, the right colour and words.</summary>
public sealed class BadgeSvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Theory]
    [InlineData("status", "up", "API status: up")]
    [InlineData("uptime 24h", "99.95%", "<script>alert('x')</script> & \"co\"")]
    [InlineData("response time 7d", "123 ms", "]]> &amp; \u00e9\u00e8")]
    [InlineData("status", "up", "bell\u0007 and nul-free \u001f controls")]
    public void Any_text_makes_valid_svg_with_its_title_and_texts(string label, string message, string title)
    {
        var document = XDocument.Parse(BadgeSvg.Render(label, message, BadgeSvg.Green, title));
        Assert.Equal(Svg + "svg", document.Root!.Name);
        var readable = string.Concat(title.Where(c => !char.IsControl(c)));
        Assert.Equal(readable, document.Root.Element(Svg + "title")!.Value);
        Assert.Equal(readable, document.Root.Attribute("aria-label")!.Value);
        Assert.Equal([label, label, message, message], document.Descendants(Svg + "text").Select(t => t.Value));
    }

    [Fact]
    public void The_badge_is_as_wide_as_its_two_parts_and_longer_text_makes_it_wider()
    {
        var narrow = Width(BadgeSvg.Render("status", "up", BadgeSvg.Green, "t"));
        var wide = Width(BadgeSvg.Render("status", "maintenance", BadgeSvg.Blue, "t"));
        Assert.Equal(BadgeSvg.TextWidth("status") + BadgeSvg.TextWidth("up") + 20, narrow);
        Assert.True(wide > narrow + 40, $"{wide} vs {narrow}");
        Assert.True(BadgeSvg.TextWidth("mmm") > BadgeSvg.TextWidth("iii"));
    }

    [Theory]
    [InlineData(false, "up", "up", "#4c1")]
    [InlineData(false, "degraded", "degraded", "#dfb317")]
    [InlineData(false, "down", "down", "#e05d44")]
    [InlineData(true, "down", "maintenance", "#007ec6")]
    [InlineData(false, null, "unknown", "#9f9f9f")]
    public void The_status_badge_says_and_colours_the_state(bool maintenance, string? last, string shown, string colour)
    {
        var summary = Summary(last is null ? null : HealthStatusNames.FromWire(last), maintenance, default);
        var svg = BadgeEndpoints.StatusBadge(summary);
        Assert.Equal(shown, XDocument.Parse(svg).Descendants(Svg + "text").Last().Value);
        Assert.Contains($"fill=\"{colour}\"", svg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, "no data", "#9f9f9f")]
    [InlineData(1000, 1000, "100.00%", "#4c1")]
    [InlineData(1000, 999, "99.90%", "#4c1")]
    [InlineData(1000, 995, "99.50%", "#97ca00")]
    [InlineData(100, 96, "96.00%", "#dfb317")]
    [InlineData(100, 91, "91.00%", "#fe7d37")]
    [InlineData(3, 2, "66.66%", "#e05d44")]
    public void The_uptime_badge_cuts_to_two_decimals_and_colours_by_threshold(long total, long up, string message, string colour)
    {
        var svg = BadgeEndpoints.UptimeBadge(Summary(HealthStatus.Up, false, new UptimeCounts(total, up, 0, 0)), "24h");
        Assert.Equal(message, XDocument.Parse(svg).Descendants(Svg + "text").Last().Value);
        Assert.Contains($"fill=\"{colour}\"", svg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, "no data")]
    [InlineData(3, 300, "100 ms")]
    [InlineData(2, 301, "151 ms")]
    [InlineData(4, 2002, "501 ms")]
    public void The_response_time_badge_gives_the_average_in_whole_ms(long total, long sum, string message)
    {
        var svg = BadgeEndpoints.ResponseTimeBadge(Summary(HealthStatus.Up, false, new UptimeCounts(total, total, 0, sum)), "24h");
        Assert.Equal(message, XDocument.Parse(svg).Descendants(Svg + "text").Last().Value);
    }

    private static int Width(string svg) => int.Parse(XDocument.Parse(svg).Root!.Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_disabled_service_shows_unknown_whatever_it_last_was()
    {
        var paused = Summary(HealthStatus.Down, false, default) with { Enabled = false };
        Assert.Equal("unknown", paused.Shown);
        Assert.Equal("unknown", XDocument.Parse(BadgeEndpoints.StatusBadge(paused)).Descendants(Svg + "text").Last().Value);
    }

    private static ServiceSummary Summary(HealthStatus? last, bool maintenance, UptimeCounts counts) => new()
    {
        Id = 1,
        ClientId = 1,
        Name = "API",
        Public = true,
        Enabled = true,
        LastStatus = last,
        InMaintenance = maintenance,
        FirstDay = DateTimeOffset.UnixEpoch,
        Days = new UptimeCounts[ServiceSummary.DayCount],
        Last24Hours = counts,
        Last7Days = counts,
        Last30Days = counts,
        Last90Days = counts,
        At = DateTimeOffset.UnixEpoch,
    };
}
