using Monitoring.Grains.Checking;
using Monitoring.Grains.Uptime;

namespace Monitoring.UnitTests.Uptime;

/// <summary>A year of one service's results at random intervals, and the windows a grain would hold for it.</summary>
internal static class CheckHistory
{
    /// <summary>
    /// Results from a year before <paramref name="to"/> until <paramref name="to"/> minus <paramref name="quietDays"/>:
    /// mostly minutes apart, sometimes hours (so some hours and days are empty), plus results exactly on and
    /// just before the start of every period and at <paramref name="to"/> itself.
    /// </summary>
    public static List<CheckRow> Generate(int seed, DateTimeOffset to, int quietDays, IEnumerable<TimeSpan> periodLengths)
    {
        var random = new Random(seed);
        var last = to - TimeSpan.FromDays(quietDays);
        var rows = new List<CheckRow>();
        for (var time = to - TimeSpan.FromDays(365); time <= last; time += Interval(random))
        {
            rows.Add(Row(random, time));
        }

        if (quietDays == 0)
        {
            rows.Add(Row(random, to));
            rows.Add(Row(random, to - TimeSpan.FromMilliseconds(1)));
            foreach (var length in periodLengths)
            {
                rows.Add(Row(random, to - length));
                rows.Add(Row(random, to - length - TimeSpan.FromMilliseconds(1)));
                rows.Add(Row(random, to - length + TimeSpan.FromMilliseconds(1)));
            }
        }

        rows.Sort((a, b) => a.CheckedAt.CompareTo(b.CheckedAt));
        return rows;
    }

    /// <summary>A window fed every result as it was committed (the ring forgets what is too old).</summary>
    public static UptimeWindow FedIncrementally(IEnumerable<CheckRow> rows)
    {
        var window = new UptimeWindow();
        foreach (var row in rows)
        {
            window.Add(row.CheckedAt, row.Status, row.ResponseTimeMs);
        }

        return window;
    }

    /// <summary>A window rebuilt the way the grain rebuilds it: hourly sums from the start of the day 91 days back.</summary>
    public static UptimeWindow Rebuilt(InMemoryUptimeHistory history, long serviceId, DateTimeOffset now)
    {
        var window = new UptimeWindow();
        var from = new DateTimeOffset((now - TimeSpan.FromDays(UptimeWindow.DaySlots - 1)).UtcDateTime.Date, TimeSpan.Zero);
        var hours = history.SumByHourAsync(serviceId, from, now + TimeSpan.FromDays(1)).GetAwaiter().GetResult();
        foreach (var (hour, counts) in hours.OrderBy(h => h.Key))
        {
            window.AddHour(hour, counts);
        }

        return window;
    }

    private static TimeSpan Interval(Random random)
    {
        var roll = random.NextDouble();
        var maxMs = roll < 0.85 ? 600_000 : roll < 0.95 ? 7_200_000 : 28_800_000;
        return TimeSpan.FromMilliseconds(random.Next(1_000, maxMs));
    }

    private static CheckRow Row(Random random, DateTimeOffset time)
    {
        var roll = random.NextDouble();
        var status = roll < 0.8 ? HealthStatus.Up : roll < 0.92 ? HealthStatus.Degraded : HealthStatus.Down;
        return new CheckRow(time, status, random.Next(0, 60_001));
    }
}
