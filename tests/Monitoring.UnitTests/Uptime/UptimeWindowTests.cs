using Monitoring.Grains.Checking;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Uptime;

namespace Monitoring.UnitTests.Uptime;

public sealed class UptimeWindowTests
{
    private static readonly DateTimeOffset H0 = Times.At("2026-11-27T10:00:00Z");
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Theory]
    [InlineData(HealthStatus.Up, 1, 0, 0)]
    [InlineData(HealthStatus.Degraded, 0, 1, 0)]
    [InlineData(HealthStatus.Down, 0, 0, 1)]
    public void Add_counts_a_check_in_its_utc_hour_and_day(HealthStatus status, long up, long degraded, long down)
    {
        var window = new UptimeWindow();

        window.Add(Times.At("2026-11-27T12:34:56.789+02:00"), status, 120);

        var expected = new UptimeCounts(1, up, degraded, 120);
        Assert.True(window.TryGetHour(Times.At("2026-11-27T10:00:00Z"), out var hour));
        Assert.Equal(expected, hour);
        Assert.Equal(down, hour.Down);
        Assert.True(window.TryGetHour(Times.At("2026-11-27T10:59:59.999Z"), out var sameHour));
        Assert.Equal(expected, sameHour);
        Assert.True(window.TryGetDay(Times.At("2026-11-27T00:00:00Z"), out var day));
        Assert.Equal(expected, day);
    }

    [Fact]
    public void Checks_on_either_side_of_an_hour_and_a_day_boundary_go_to_different_buckets()
    {
        var window = new UptimeWindow();

        window.Add(Times.At("2026-11-27T23:59:59.999Z"), HealthStatus.Up, 10);
        window.Add(Times.At("2026-11-28T00:00:00.000Z"), HealthStatus.Down, 20);
        window.Add(Times.At("2026-11-28T00:59:59.999Z"), HealthStatus.Degraded, 30);
        window.Add(Times.At("2026-11-28T01:00:00.000Z"), HealthStatus.Up, 40);

        AssertHour(window, "2026-11-27T23:00:00Z", new UptimeCounts(1, 1, 0, 10));
        AssertHour(window, "2026-11-28T00:00:00Z", new UptimeCounts(2, 0, 1, 50));
        AssertHour(window, "2026-11-28T01:00:00Z", new UptimeCounts(1, 1, 0, 40));
        AssertDay(window, "2026-11-27T00:00:00Z", new UptimeCounts(1, 1, 0, 10));
        AssertDay(window, "2026-11-28T00:00:00Z", new UptimeCounts(3, 1, 1, 90));
    }

    [Fact]
    public void Remove_takes_back_what_add_counted()
    {
        var window = new UptimeWindow();
        window.Add(H0, HealthStatus.Up, 100);
        window.Add(H0 + TimeSpan.FromMinutes(1), HealthStatus.Degraded, 200);
        window.Add(H0 + TimeSpan.FromMinutes(2), HealthStatus.Down, 300);

        window.Remove(H0 + TimeSpan.FromMinutes(1), HealthStatus.Degraded, 200);

        AssertHour(window, H0, new UptimeCounts(2, 1, 0, 400));
        AssertDay(window, H0, new UptimeCounts(2, 1, 0, 400));
    }

    [Fact]
    public void Add_hour_adds_an_aggregate_to_the_hour_and_its_day()
    {
        var window = new UptimeWindow();

        window.AddHour(H0, new UptimeCounts(12, 9, 2, 3456));
        window.AddHour(H0 + Hour, new UptimeCounts(3, 3, 0, 30));

        AssertHour(window, H0, new UptimeCounts(12, 9, 2, 3456));
        AssertHour(window, H0 + Hour, new UptimeCounts(3, 3, 0, 30));
        AssertDay(window, H0, new UptimeCounts(15, 12, 2, 3486));
    }

    [Fact]
    public void An_empty_window_knows_every_bucket_is_empty()
    {
        var window = new UptimeWindow();

        AssertHour(window, H0, default);
        AssertDay(window, H0, default);
        Assert.True(window.CoversHour(H0 - TimeSpan.FromDays(365)));
        Assert.Equal(DateTimeOffset.MinValue, window.OldestHour);
    }

    [Fact]
    public void Buckets_after_the_newest_check_are_empty_not_unknown()
    {
        var window = new UptimeWindow();
        window.Add(H0, HealthStatus.Up, 1);

        AssertHour(window, H0 + TimeSpan.FromDays(30), default);
        AssertDay(window, H0 + TimeSpan.FromDays(300), default);
        Assert.True(window.CoversHour(H0 + TimeSpan.FromDays(30)));
    }

    [Fact]
    public void The_hour_buckets_remember_the_last_170_hours()
    {
        var window = new UptimeWindow();
        window.Add(H0, HealthStatus.Up, 1);

        window.Add(H0 + (169 * Hour), HealthStatus.Up, 1);
        Assert.True(window.CoversHour(H0));
        AssertHour(window, H0, new UptimeCounts(1, 1, 0, 1));
        Assert.Equal(H0, window.OldestHour);

        window.Add(H0 + (170 * Hour), HealthStatus.Up, 1);
        Assert.False(window.CoversHour(H0));
        Assert.False(window.TryGetHour(H0, out _));
        Assert.True(window.CoversHour(H0 + Hour));
        AssertHour(window, H0 + Hour, default);
        Assert.Equal(H0 + Hour, window.OldestHour);
    }

    [Fact]
    public void A_reused_hour_slot_starts_from_zero()
    {
        var window = new UptimeWindow();
        window.Add(H0 + (5 * Hour), HealthStatus.Down, 7);
        window.Add(H0 + (5 * Hour), HealthStatus.Down, 7);

        window.Add(H0 + (175 * Hour), HealthStatus.Up, 3);

        AssertHour(window, H0 + (175 * Hour), new UptimeCounts(1, 1, 0, 3));
        Assert.False(window.TryGetHour(H0 + (5 * Hour), out _));
    }

    [Fact]
    public void A_jump_further_than_the_ring_clears_every_slot()
    {
        var window = new UptimeWindow();
        for (var i = 0; i < UptimeWindow.HourSlots; i++)
        {
            window.Add(H0 + (i * Hour), HealthStatus.Up, 5);
        }

        var later = H0 + (1000 * Hour);
        window.Add(later, HealthStatus.Degraded, 9);

        for (var i = 1; i < UptimeWindow.HourSlots; i++)
        {
            AssertHour(window, later - (i * Hour), default);
        }

        AssertHour(window, later, new UptimeCounts(1, 0, 1, 9));
        Assert.Equal(later - (169 * Hour), window.OldestHour);
    }

    [Fact]
    public void A_check_older_than_the_hour_buckets_still_counts_in_its_day()
    {
        var window = new UptimeWindow();
        window.Add(H0 + (200 * Hour), HealthStatus.Up, 1);

        window.Add(H0, HealthStatus.Down, 50);

        Assert.False(window.TryGetHour(H0, out _));
        AssertDay(window, H0, new UptimeCounts(1, 0, 0, 50));
    }

    [Fact]
    public void The_day_buckets_remember_the_last_92_days()
    {
        var window = new UptimeWindow();
        window.Add(H0, HealthStatus.Up, 1);

        window.Add(H0 + (91 * Day), HealthStatus.Up, 1);
        AssertDay(window, H0, new UptimeCounts(1, 1, 0, 1));

        window.Add(H0 + (92 * Day), HealthStatus.Up, 1);
        Assert.False(window.TryGetDay(H0, out _));
        AssertDay(window, H0 + Day, default);
        AssertDay(window, H0 + (91 * Day), new UptimeCounts(1, 1, 0, 1));
    }

    [Fact]
    public void A_check_older_than_the_day_buckets_is_ignored()
    {
        var window = new UptimeWindow();
        window.Add(H0 + (100 * Day), HealthStatus.Up, 1);

        window.Add(H0, HealthStatus.Down, 1);

        Assert.False(window.TryGetDay(H0, out _));
        AssertDay(window, H0 + (100 * Day), new UptimeCounts(1, 1, 0, 1));
    }

    internal static void AssertHour(UptimeWindow window, string hour, UptimeCounts expected) => AssertHour(window, Times.At(hour), expected);

    internal static void AssertHour(UptimeWindow window, DateTimeOffset hour, UptimeCounts expected)
    {
        Assert.True(window.TryGetHour(hour, out var counts), $"hour {hour:O} is unknown");
        Assert.Equal(expected, counts);
    }

    internal static void AssertDay(UptimeWindow window, string day, UptimeCounts expected) => AssertDay(window, Times.At(day), expected);

    internal static void AssertDay(UptimeWindow window, DateTimeOffset day, UptimeCounts expected)
    {
        Assert.True(window.TryGetDay(day, out var counts), $"day {day:O} is unknown");
        Assert.Equal(expected, counts);
    }
}
