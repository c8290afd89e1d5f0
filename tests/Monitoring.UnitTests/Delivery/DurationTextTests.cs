using Monitoring.Grains;
using Monitoring.Grains.Delivery;

namespace Monitoring.UnitTests.Delivery;

/// <summary>
/// alerting.md, "What receivers get": a resolved notice says how long the incident lasted as people write it,
/// <c>down for 4m 12s</c>: the two largest units, a zero second unit left out, nothing negative.
/// </summary>
public sealed class DurationTextTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(1, "1s")]
    [InlineData(12, "12s")]
    [InlineData(59, "59s")]
    [InlineData(60, "1m")]
    [InlineData(61, "1m 1s")]
    [InlineData(252, "4m 12s")]
    [InlineData(300, "5m")]
    [InlineData(3599, "59m 59s")]
    [InlineData(3600, "1h")]
    [InlineData(3900, "1h 5m")]
    [InlineData(3912, "1h 5m")]
    [InlineData(86399, "23h 59m")]
    [InlineData(86400, "1d")]
    [InlineData(183600, "2d 3h")]
    [InlineData(183659, "2d 3h")]
    [InlineData(864000, "10d")]
    public void Writes_the_two_largest_units(long seconds, string text)
    {
        Assert.Equal(text, DurationText.Of(TimeSpan.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData(12_999, "12s")]
    [InlineData(999, "0s")]
    [InlineData(252_500, "4m 12s")]
    public void Drops_the_fraction_of_a_second(long milliseconds, string text)
    {
        Assert.Equal(text, DurationText.Of(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-252)]
    [InlineData(-86400)]
    public void A_negative_duration_is_none(long seconds)
    {
        Assert.Equal("0s", DurationText.Of(TimeSpan.FromSeconds(seconds)));
    }
}
