using Monitoring.Grains.Checking;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Uptime;

namespace Monitoring.UnitTests.Uptime;

public sealed class UptimeCalculatorTests
{
    private const long ServiceId = 42;

    private static readonly (string Period, TimeSpan Length)[] Periods =
    [
        ("1h", TimeSpan.FromHours(1)),
        ("24h", TimeSpan.FromHours(24)),
        ("7d", TimeSpan.FromDays(7)),
        ("30d", TimeSpan.FromDays(30)),
        ("90d", TimeSpan.FromDays(90)),
        ("5h", TimeSpan.FromHours(5)),
        ("13d", TimeSpan.FromDays(13)),
    ];

    private static readonly string[] Ends =
    [
        "2026-11-27T10:17:23.456Z", // inside an hour
        "2026-11-27T10:00:00.000Z", // on an hour: every period starts exactly on an hour boundary
        "2026-11-28T00:00:00.000Z", // on a day: every day period starts exactly on a day boundary
    ];

    public static TheoryData<string, int, bool, string, UptimeBucketSize> Cases()
    {
        var data = new TheoryData<string, int, bool, string, UptimeBucketSize>();
        foreach (var to in Ends)
        {
            foreach (var quietDays in new[] { 0, 10 })
            {
                foreach (var rebuilt in new[] { false, true })
                {
                    foreach (var (period, _) in Periods)
                    {
                        foreach (var bucket in new[] { UptimeBucketSize.None, UptimeBucketSize.Hour, UptimeBucketSize.Day })
                        {
                            data.Add(to, quietDays, rebuilt, period, bucket);
                        }
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Reports_what_sql_over_the_results_gives(string end, int quietDays, bool rebuilt, string period, UptimeBucketSize bucket)
    {
        var to = Times.At(end);
        var rows = CheckHistory.Generate(seed: (Array.IndexOf(Ends, end) * 100) + quietDays, to, quietDays, Periods.Select(p => p.Length));
        var history = new InMemoryUptimeHistory(ServiceId, rows);
        var window = rebuilt ? CheckHistory.Rebuilt(history, ServiceId, to) : CheckHistory.FedIncrementally(rows);
        var length = Periods.Single(p => p.Period == period).Length;

        // Act
        var report = await new UptimeCalculator(history).ReportAsync(ServiceId, window, new UptimeQuery(period, length, bucket), to);

        // Assert
        AssertMatchesBruteForce(rows, report, period, to - length, to, bucket);
    }

    [Fact]
    public async Task Hourly_buckets_of_90_days_come_from_sql_where_the_hour_buckets_do_not_reach_back()
    {
        var to = Times.At("2026-11-27T10:17:23.456Z");
        var rows = CheckHistory.Generate(seed: 90, to, quietDays: 0, Periods.Select(p => p.Length));
        var history = new InMemoryUptimeHistory(ServiceId, rows);
        var window = CheckHistory.FedIncrementally(rows);
        var from = to - TimeSpan.FromDays(90);
        Assert.False(window.CoversHour(from));

        var report = await new UptimeCalculator(history).ReportAsync(ServiceId, window, new UptimeQuery("90d", TimeSpan.FromDays(90), UptimeBucketSize.Hour), to);

        AssertMatchesBruteForce(rows, report, "90d", from, to, UptimeBucketSize.Hour);
        Assert.Equal(2160, report.Buckets!.Count);
    }

    [Fact]
    public async Task A_period_starting_exactly_on_an_hour_counts_the_check_at_its_start_and_at_its_end()
    {
        var to = Times.At("2026-11-27T10:00:00.000Z");
        var from = to - TimeSpan.FromHours(5);
        List<CheckRow> rows =
        [
            new(from - TimeSpan.FromMilliseconds(1), HealthStatus.Down, 1),
            new(from, HealthStatus.Up, 10),
            new(from + TimeSpan.FromMinutes(90), HealthStatus.Degraded, 20),
            new(to, HealthStatus.Down, 30),
        ];
        var history = new InMemoryUptimeHistory(ServiceId, rows);

        var report = await new UptimeCalculator(history).ReportAsync(
            ServiceId, CheckHistory.FedIncrementally(rows), new UptimeQuery("5h", TimeSpan.FromHours(5), UptimeBucketSize.Hour), to);

        Assert.Equal(new UptimeCounts(3, 1, 1, 60), report.Counts);
        Assert.Equal((double)2 / 3 * 100, report.Counts.UptimePercentage);
        Assert.Equal((double)1 / 3 * 100, report.Counts.HealthyPercentage);
        // The hours starting within (from, to]: the check at `from` counts in the totals, not in a bucket.
        Assert.Equal(
            [
                new UptimeBucket(from + TimeSpan.FromHours(1), new UptimeCounts(1, 0, 1, 20)),
                new UptimeBucket(from + TimeSpan.FromHours(2), default),
                new UptimeBucket(from + TimeSpan.FromHours(3), default),
                new UptimeBucket(from + TimeSpan.FromHours(4), default),
                new UptimeBucket(to, new UptimeCounts(1, 0, 0, 30)),
            ],
            report.Buckets!);
    }

    [Fact]
    public async Task A_period_without_checks_has_no_percentages_and_empty_buckets()
    {
        var to = Times.At("2026-11-27T10:17:23.456Z");
        var history = new InMemoryUptimeHistory(ServiceId, []);

        var report = await new UptimeCalculator(history).ReportAsync(
            ServiceId, new UptimeWindow(), new UptimeQuery("24h", TimeSpan.FromHours(24), UptimeBucketSize.Day), to);

        Assert.Equal(default, report.Counts);
        Assert.Null(report.Counts.UptimePercentage);
        Assert.Null(report.Counts.HealthyPercentage);
        Assert.Null(report.Counts.AverageResponseTimeMs);
        Assert.Equal([Times.At("2026-11-27T00:00:00Z")], report.Buckets!.Select(b => b.Start));
        Assert.All(report.Buckets!, b => Assert.Equal(default, b.Counts));
    }

    [Fact]
    public async Task An_hour_with_more_checks_than_its_bucket_can_count_is_read_from_sql()
    {
        var to = Times.At("2026-11-27T10:17:23.456Z");
        var busyHour = Times.At("2026-11-27T03:00:00Z");
        var rows = CheckHistory.Generate(seed: 65_536, to, quietDays: 0, Periods.Select(p => p.Length));
        var random = new Random(5);
        rows.AddRange(Enumerable.Range(0, 70_000).Select(i => new CheckRow(
            busyHour + TimeSpan.FromMilliseconds(i * 50), (HealthStatus)random.Next(3), random.Next(0, 100))));
        rows.Sort((a, b) => a.CheckedAt.CompareTo(b.CheckedAt));
        var history = new InMemoryUptimeHistory(ServiceId, rows);
        var window = CheckHistory.FedIncrementally(rows);
        Assert.False(window.TryGetHour(busyHour, out _));

        foreach (var bucket in new[] { UptimeBucketSize.None, UptimeBucketSize.Hour, UptimeBucketSize.Day })
        {
            var report = await new UptimeCalculator(history).ReportAsync(ServiceId, window, new UptimeQuery("24h", TimeSpan.FromHours(24), bucket), to);

            AssertMatchesBruteForce(rows, report, "24h", to - TimeSpan.FromHours(24), to, bucket);
        }
    }

    private static void AssertMatchesBruteForce(List<CheckRow> rows, UptimeReport report, string period, DateTimeOffset from, DateTimeOffset to, UptimeBucketSize bucket)
    {
        var inPeriod = rows.Where(r => r.CheckedAt >= from && r.CheckedAt <= to).ToList();
        Assert.Equal(ServiceId, report.ServiceId);
        Assert.Equal(period, report.Period);
        Assert.Equal(from, report.From);
        Assert.Equal(to, report.To);
        AssertCounts(inPeriod, report.Counts, "the period");

        if (bucket == UptimeBucketSize.None)
        {
            Assert.Null(report.Buckets);
            return;
        }

        var width = bucket == UptimeBucketSize.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        var starts = new List<DateTimeOffset>();
        // As many whole buckets as the period holds, the last one holding `to`.
        var count = (int)Math.Ceiling((to - from) / width);
        var last = new DateTimeOffset(to.UtcTicks - (to.UtcTicks % width.Ticks), TimeSpan.Zero);
        for (var i = count - 1; i >= 0; i--)
        {
            starts.Add(last - (i * width));
        }

        Assert.NotNull(report.Buckets);
        Assert.Equal(starts, report.Buckets.Select(b => b.Start));
        foreach (var (start, actual) in starts.Zip(report.Buckets))
        {
            AssertCounts(rows.Where(r => r.CheckedAt >= start && r.CheckedAt < start + width && r.CheckedAt <= to), actual.Counts, $"the bucket at {start:O}");
        }
    }

    private static void AssertCounts(IEnumerable<CheckRow> rows, UptimeCounts actual, string what)
    {
        var list = rows.ToList();
        var total = list.Count;
        var up = list.Count(r => r.Status == HealthStatus.Up);
        var degraded = list.Count(r => r.Status == HealthStatus.Degraded);
        var down = list.Count(r => r.Status == HealthStatus.Down);
        var responseTimeSum = list.Sum(r => (long)r.ResponseTimeMs);

        Assert.True(
            (total, up, degraded, down, responseTimeSum) == (actual.Total, actual.Up, actual.Degraded, actual.Down, actual.ResponseTimeSumMs),
            $"{what}: expected total {total}, up {up}, degraded {degraded}, down {down}, response time sum {responseTimeSum}; got {actual}");
        Assert.Equal(total == 0 ? null : (double)(up + degraded) / total * 100, actual.UptimePercentage);
        Assert.Equal(total == 0 ? null : (double)up / total * 100, actual.HealthyPercentage);
        Assert.Equal(total == 0 ? null : (double)responseTimeSum / total, actual.AverageResponseTimeMs);
    }
}
