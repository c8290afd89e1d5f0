using Monitoring.Grains.Scheduling;

namespace Monitoring.UnitTests.Scheduling;

public sealed class SpreadOffsetTests
{
    private static SpreadLimits Tenth(TimeSpan max) => new(max, 0.1);

    private static readonly long[] SampleIds = [.. Enumerable.Range(0, 2000).Select(i => (long)i), long.MaxValue, long.MinValue, -1, -42, 1L << 40, 987_654_321_012];

    [Theory]
    [InlineData(1000, 3_600_000)]
    [InlineData(1000, 300_000)]
    [InlineData(1, 60_000)]
    [InlineData(30_000, 86_400_000)]
    public void Is_never_above_the_maximum_spread(int maxSpreadMs, long gapMs)
    {
        var maxSpread = TimeSpan.FromMilliseconds(maxSpreadMs);

        Assert.All(SampleIds, id => Assert.InRange(SpreadOffset.For(id, Tenth(maxSpread), TimeSpan.FromMilliseconds(gapMs)), TimeSpan.Zero, maxSpread));
    }

    [Theory]
    [InlineData(1000, 5_000, 500)]
    [InlineData(1000, 1_000, 100)]
    [InlineData(600_000, 60_000, 6_000)]
    [InlineData(1000, 10_001, 1000)]
    public void Is_never_above_a_tenth_of_the_gap_to_the_next_occurrence(int maxSpreadMs, long gapMs, int capMs)
    {
        var offsets = SampleIds.Select(id => SpreadOffset.For(id, Tenth(TimeSpan.FromMilliseconds(maxSpreadMs)), TimeSpan.FromMilliseconds(gapMs))).ToList();

        Assert.All(offsets, offset => Assert.InRange(offset, TimeSpan.Zero, TimeSpan.FromMilliseconds(capMs)));
        Assert.True(offsets.Max() >= TimeSpan.FromMilliseconds(capMs * 0.99), $"the largest offset {offsets.Max()} does not use the range up to {capMs} ms");
    }

    [Theory]
    [InlineData(0, 60_000)]
    [InlineData(1000, 0)]
    [InlineData(1000, 9)]
    [InlineData(-1000, 60_000)]
    [InlineData(1000, -60_000)]
    public void Is_zero_when_there_is_no_room(int maxSpreadMs, long gapMs)
    {
        var gap = gapMs == 9 ? TimeSpan.FromTicks(9) : TimeSpan.FromMilliseconds(gapMs);

        Assert.All(SampleIds, id => Assert.Equal(TimeSpan.Zero, SpreadOffset.For(id, Tenth(TimeSpan.FromMilliseconds(maxSpreadMs)), gap)));
    }

    [Theory]
    [InlineData(1_000, 1_000)]
    [InlineData(2_000, 2_000)]
    [InlineData(4_999, 4_999)]
    [InlineData(10_000, 5_000)]
    [InlineData(60_000, 5_000)]
    [InlineData(300_000, 5_000)]
    [InlineData(86_400_000, 5_000)]
    public void By_default_grows_to_the_whole_gap_and_at_most_5_seconds(long gapMs, int windowMs)
    {
        var defaults = new ScheduleOptions().Spread;
        Assert.Equal(TimeSpan.FromMilliseconds(windowMs), defaults.WindowFor(TimeSpan.FromMilliseconds(gapMs)));
        var offsets = SampleIds.Select(id => SpreadOffset.For(id, defaults, TimeSpan.FromMilliseconds(gapMs))).ToList();
        // Shorter than the window, so shorter than the gap: a service's checks keep the order of its occurrences.
        Assert.All(offsets, offset => Assert.InRange(offset, TimeSpan.Zero, TimeSpan.FromMilliseconds(windowMs - 1)));
        Assert.True(offsets.Max() >= TimeSpan.FromMilliseconds(windowMs * 0.99));
    }

    [Fact]
    public void Is_whole_milliseconds()
    {
        Assert.All(SampleIds, id => Assert.Equal(0, SpreadOffset.For(id, Tenth(TimeSpan.FromSeconds(1)), TimeSpan.MaxValue).Ticks % TimeSpan.TicksPerMillisecond));
    }

    [Theory]
    [InlineData(1, 618)]
    [InlineData(2, 236)]
    [InlineData(3, 854)]
    [InlineData(42, 957)]
    [InlineData(1_000_000, 988)]
    public void Is_a_stable_function_of_the_id(long serviceId, int expectedMs)
    {
        // The share of the range is the fractional part of id × 0.6180339887… (Fibonacci hashing).
        var first = SpreadOffset.For(serviceId, Tenth(TimeSpan.FromSeconds(1)), TimeSpan.MaxValue);
        var again = SpreadOffset.For(serviceId, Tenth(TimeSpan.FromSeconds(1)), TimeSpan.MaxValue);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), first);
        Assert.Equal(first, again);
    }

    [Fact]
    public void Spreads_a_thousand_consecutive_ids_evenly_over_the_range()
    {
        var offsets = Enumerable.Range(1, 1000).Select(id => SpreadOffset.For(id, Tenth(TimeSpan.FromSeconds(1)), TimeSpan.FromMinutes(5)).TotalMilliseconds).ToList();

        var tenths = offsets.GroupBy(ms => (int)(ms / 100)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(0, 10), tenths.Keys.Order());
        Assert.All(tenths.Values, count => Assert.InRange(count, 95, 105));
        Assert.True(offsets.Distinct().Count() >= 600, $"only {offsets.Distinct().Count()} distinct offsets");
    }
}
