using Monitoring.Gateway.Api;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.UnitTests.Api;

public sealed class UptimePeriodTests
{
    [Theory]
    [InlineData("1h", "1h", 1)]
    [InlineData("24h", "24h", 24)]
    [InlineData("7d", "7d", 168)]
    [InlineData("30d", "30d", 720)]
    [InlineData("90d", "90d", 2160)]
    [InlineData("2160h", "2160h", 2160)]
    [InlineData("5h", "5h", 5)]
    [InlineData("13d", "13d", 312)]
    [InlineData("1d", "1d", 24)]
    [InlineData("007d", "007d", 168)]
    [InlineData("", "24h", 24)]
    [InlineData(null, "24h", 24)]
    public void Reads_hours_and_days_up_to_90_days(string? period, string expectedPeriod, int expectedHours)
    {
        var parsed = UptimePeriod.TryParse(period, null, out var query, out var error);

        Assert.True(parsed);
        Assert.Null(error);
        Assert.Equal(new UptimeQuery(expectedPeriod, TimeSpan.FromHours(expectedHours), UptimeBucketSize.None), query);
    }

    [Theory]
    [InlineData("0h")]
    [InlineData("0d")]
    [InlineData("91d")]
    [InlineData("2161h")]
    [InlineData("1w")]
    [InlineData("1m")]
    [InlineData("h")]
    [InlineData("d")]
    [InlineData("-1h")]
    [InlineData("+1h")]
    [InlineData("1.5h")]
    [InlineData("1,5h")]
    [InlineData(" 1h")]
    [InlineData("1h ")]
    [InlineData("1 h")]
    [InlineData("1H")]
    [InlineData("1D")]
    [InlineData("24")]
    [InlineData("1e1h")]
    [InlineData("0x1h")]
    [InlineData("٣h")]
    [InlineData("999999h")]
    [InlineData("9999999999h")]
    [InlineData("P1D")]
    public void Refuses_anything_else(string period)
    {
        var parsed = UptimePeriod.TryParse(period, null, out _, out var error);

        Assert.False(parsed);
        Assert.Equal($"Invalid period '{period}': use 1h, 24h, 7d, 30d, 90d, or any Nh / Nd up to 90 days", error);
    }

    [Fact]
    public void Shortens_a_long_period_in_the_message()
    {
        var period = new string('9', 30) + "h";

        UptimePeriod.TryParse(period, null, out _, out var error);

        Assert.Equal($"Invalid period '{new string('9', 20)}…': use 1h, 24h, 7d, 30d, 90d, or any Nh / Nd up to 90 days", error);
    }

    [Theory]
    [InlineData(null, UptimeBucketSize.None)]
    [InlineData("", UptimeBucketSize.None)]
    [InlineData("1h", UptimeBucketSize.Hour)]
    [InlineData("1d", UptimeBucketSize.Day)]
    public void Reads_the_bucket_size(string? bucket, UptimeBucketSize expected)
    {
        var parsed = UptimePeriod.TryParse("7d", bucket, out var query, out var error);

        Assert.True(parsed);
        Assert.Null(error);
        Assert.Equal(new UptimeQuery("7d", TimeSpan.FromDays(7), expected), query);
    }

    [Theory]
    [InlineData("1H")]
    [InlineData("2h")]
    [InlineData("24h")]
    [InlineData("1w")]
    [InlineData("hour")]
    [InlineData(" 1h")]
    public void Refuses_other_bucket_sizes(string bucket)
    {
        var parsed = UptimePeriod.TryParse("7d", bucket, out _, out var error);

        Assert.False(parsed);
        Assert.Equal($"Invalid bucket '{bucket}': use 1h or 1d", error);
    }

    [Fact]
    public void Names_the_period_before_the_bucket_when_both_are_wrong()
    {
        UptimePeriod.TryParse("1w", "1w", out _, out var error);

        Assert.Equal("Invalid period '1w': use 1h, 24h, 7d, 30d, 90d, or any Nh / Nd up to 90 days", error);
    }

    [Fact]
    public void The_longest_period_is_90_days()
    {
        Assert.Equal(TimeSpan.FromDays(90), UptimePeriod.Longest);
    }
}
