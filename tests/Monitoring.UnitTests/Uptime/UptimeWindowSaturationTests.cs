using Monitoring.Grains.Checking;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Uptime;

namespace Monitoring.UnitTests.Uptime;

public sealed class UptimeWindowSaturationTests
{
    private static readonly DateTimeOffset H0 = Times.At("2026-11-27T10:00:00Z");

    [Fact]
    public void An_hour_holds_up_to_65535_checks()
    {
        var window = new UptimeWindow();

        window.AddHour(H0, new UptimeCounts(ushort.MaxValue, ushort.MaxValue, 0, ushort.MaxValue));

        UptimeWindowTests.AssertHour(window, H0, new UptimeCounts(65_535, 65_535, 0, 65_535));
    }

    [Fact]
    public void One_check_more_than_an_hour_can_count_makes_the_hour_unknown_but_not_its_day()
    {
        var window = new UptimeWindow();
        window.AddHour(H0, new UptimeCounts(ushort.MaxValue, ushort.MaxValue, 0, ushort.MaxValue));

        window.Add(H0 + TimeSpan.FromMinutes(30), HealthStatus.Up, 1);

        Assert.False(window.TryGetHour(H0, out _));
        Assert.True(window.CoversHour(H0));
        UptimeWindowTests.AssertDay(window, H0, new UptimeCounts(65_536, 65_536, 0, 65_536));
    }

    [Fact]
    public void Adding_checks_one_by_one_past_the_limit_makes_the_hour_unknown()
    {
        var window = new UptimeWindow();

        for (var i = 0; i <= ushort.MaxValue; i++)
        {
            window.Add(H0 + TimeSpan.FromMilliseconds(i * 50), i % 2 == 0 ? HealthStatus.Up : HealthStatus.Degraded, 1);
        }

        Assert.False(window.TryGetHour(H0, out _));
        UptimeWindowTests.AssertDay(window, H0, new UptimeCounts(65_536, 32_768, 32_768, 65_536));
    }

    [Theory]
    [InlineData(70_000, 0, 0, 0)]
    [InlineData(1, 70_000, 0, 0)]
    [InlineData(2, 0, 70_000, 0)]
    public void An_aggregate_too_large_for_an_hour_makes_the_hour_unknown(long total, long up, long degraded, long responseTimeSumMs)
    {
        var window = new UptimeWindow();
        var counts = new UptimeCounts(total, up, degraded, responseTimeSumMs);

        window.AddHour(H0, counts);

        Assert.False(window.TryGetHour(H0, out _));
        UptimeWindowTests.AssertDay(window, H0, counts);
    }

    [Fact]
    public void A_response_time_sum_past_32_bits_makes_the_hour_and_the_day_unknown()
    {
        var window = new UptimeWindow();

        window.AddHour(H0, new UptimeCounts(2, 2, 0, 4_294_967_296));

        Assert.False(window.TryGetHour(H0, out _));
        Assert.False(window.TryGetDay(H0, out _));
    }

    [Fact]
    public void An_aggregate_too_large_for_a_day_makes_the_day_unknown()
    {
        var window = new UptimeWindow();

        window.AddHour(H0, new UptimeCounts(uint.MaxValue + 1L, 0, 0, 0));

        Assert.False(window.TryGetHour(H0, out _));
        Assert.False(window.TryGetDay(H0, out _));
    }

    [Fact]
    public void Removing_from_a_saturated_hour_keeps_it_unknown()
    {
        var window = new UptimeWindow();
        window.AddHour(H0, new UptimeCounts(70_000, 70_000, 0, 70_000));

        window.Remove(H0, HealthStatus.Up, 1);

        Assert.False(window.TryGetHour(H0, out _));
        UptimeWindowTests.AssertDay(window, H0, new UptimeCounts(69_999, 69_999, 0, 69_999));
    }

    [Fact]
    public void Removing_more_than_was_added_makes_the_bucket_unknown_rather_than_negative()
    {
        var window = new UptimeWindow();
        window.Add(H0, HealthStatus.Up, 5);

        window.Remove(H0, HealthStatus.Up, 5);
        window.Remove(H0, HealthStatus.Up, 5);

        Assert.False(window.TryGetHour(H0, out _));
        Assert.False(window.TryGetDay(H0, out _));
    }

    [Fact]
    public void A_saturated_slot_is_known_again_once_the_ring_reuses_it()
    {
        var window = new UptimeWindow();
        window.AddHour(H0, new UptimeCounts(70_000, 0, 0, 0));

        var reused = H0 + TimeSpan.FromHours(UptimeWindow.HourSlots);
        window.Add(reused, HealthStatus.Up, 8);

        UptimeWindowTests.AssertHour(window, reused, new UptimeCounts(1, 1, 0, 8));
    }

    [Fact]
    public void Saturation_survives_encoding()
    {
        var window = new UptimeWindow();
        window.AddHour(H0, new UptimeCounts(70_000, 0, 0, 0));
        window.Add(H0 + TimeSpan.FromHours(1), HealthStatus.Up, 8);

        var restored = UptimeWindow.Decode(window.Encode())!;

        Assert.False(restored.TryGetHour(H0, out _));
        UptimeWindowTests.AssertHour(restored, H0 + TimeSpan.FromHours(1), new UptimeCounts(1, 1, 0, 8));
    }
}
