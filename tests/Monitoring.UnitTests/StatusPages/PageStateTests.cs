using Monitoring.Gateway.StatusPages;

namespace Monitoring.UnitTests.StatusPages;

/// <summary>operations.md's overall state of a status page, for each mix of service states.</summary>
public sealed class PageStateTests
{
    [Theory]
    [InlineData("", "operational")]
    [InlineData("up", "operational")]
    [InlineData("up,up,up", "operational")]
    [InlineData("up,unknown", "operational")]
    [InlineData("unknown", "operational")]
    [InlineData("up,degraded", "degraded")]
    [InlineData("degraded,degraded", "degraded")]
    [InlineData("up,down", "partial_outage")]
    [InlineData("degraded,down", "partial_outage")]
    [InlineData("down,unknown", "partial_outage")]
    [InlineData("down", "major_outage")]
    [InlineData("down,down,down", "major_outage")]
    [InlineData("maintenance", "maintenance")]
    [InlineData("maintenance,maintenance", "maintenance")]
    [InlineData("maintenance,up", "operational")]
    [InlineData("maintenance,down", "major_outage")]
    [InlineData("maintenance,down,up", "partial_outage")]
    [InlineData("maintenance,degraded", "degraded")]
    public void The_state_follows_the_services(string services, string expected) =>
        Assert.Equal(expected, PageState.Of(services.Split(',', StringSplitOptions.RemoveEmptyEntries)));

    [Theory]
    [InlineData("operational", "All systems operational")]
    [InlineData("degraded", "Degraded performance")]
    [InlineData("partial_outage", "Partial outage")]
    [InlineData("major_outage", "Major outage")]
    [InlineData("maintenance", "Under maintenance")]
    public void Each_state_reads_as_the_contract_words_it(string state, string text) => Assert.Equal(text, PageState.Text(state));
}
