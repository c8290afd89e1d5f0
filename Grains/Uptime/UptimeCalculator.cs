using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Uptime;

/// <summary>
/// Answers uptime-stats for [from, to] from a service's <see cref="UptimeWindow"/>: whole buckets come from
/// memory, the partial bucket at <c>from</c> (and anything older than the hour buckets remember, when
/// hourly buckets are asked for) from SQL, and only when that bucket holds any check. The totals equal
/// SQL over service_status for <c>from ≤ checked_at ≤ to</c>. The <c>buckets</c> are whole UTC hours or days,
/// as many as the period holds and ending with the current one (what a status bar draws: 24 for 24h, 90 for
/// 90d); the part of the period before the first bucket counts in the totals only.
/// </summary>
public sealed class UptimeCalculator(IUptimeHistory history)
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <summary>
    /// The service's figures over <c>[to − period, to]</c>; <paramref name="countMaintenance"/> false (the service has no
    /// result taken in a maintenance window) skips counting them.
    /// </summary>
    public async Task<UptimeReport> ReportAsync(long serviceId, UptimeWindow window, UptimeQuery query, DateTimeOffset to, bool countMaintenance = true)
    {
        var from = to - query.Length;
        var totals = await SumAsync(serviceId, window, from, to);
        IReadOnlyList<UptimeBucket>? buckets = query.Bucket switch
        {
            UptimeBucketSize.Hour => await HourBucketsAsync(serviceId, window, from, to),
            UptimeBucketSize.Day => await DayBucketsAsync(serviceId, window, from, to),
            _ => null,
        };
        var width = query.Bucket switch { UptimeBucketSize.Hour => Hour, UptimeBucketSize.Day => Day, _ => (TimeSpan?)null };
        var maintenance = !countMaintenance ? MaintenanceCounts.None : await history.MaintenanceChecksAsync(serviceId, from, to, width,
            buckets is { Count: > 0 } ? buckets[0].Start : from, buckets is { Count: > 0 } ? buckets[^1].Start + width!.Value : to);
        buckets = buckets?.Select(b => b with { MaintenanceChecks = maintenance.ByBucket.GetValueOrDefault(b.Start) }).ToList();
        return new UptimeReport(serviceId, query.Period, from, to, totals, buckets) { MaintenanceChecks = maintenance.Total };
    }

    private async Task<UptimeCounts> SumAsync(long serviceId, UptimeWindow window, DateTimeOffset from, DateTimeOffset to)
    {
        var useHours = window.CoversHour(from);
        var width = useHours ? Hour : Day;
        var firstBucket = Floor(from, width);
        var sum = await PartialAsync(serviceId, window, firstBucket, from, width);
        for (var bucket = firstBucket + width; bucket <= to; bucket += width)
        {
            sum += await WholeAsync(serviceId, window, bucket, width);
        }

        return sum;
    }

    /// <summary>
    /// The whole UTC hours of the period, oldest first: as many as the period has hours (24 for 24h), the last
    /// one the current hour. Hours older than the hour buckets remember come from SQL in one grouped query.
    /// </summary>
    private async Task<IReadOnlyList<UptimeBucket>> HourBucketsAsync(long serviceId, UptimeWindow window, DateTimeOffset from, DateTimeOffset to)
    {
        var first = FirstBucket(from, to, Hour);
        var oldFromSql = window.CoversHour(first)
            ? new Dictionary<DateTimeOffset, UptimeCounts>()
            : await history.SumByHourAsync(serviceId, first, Max(window.OldestHour, first));
        var buckets = new List<UptimeBucket>();
        for (var hour = first; hour <= to; hour += Hour)
        {
            var counts = window.CoversHour(hour) ? await WholeAsync(serviceId, window, hour, Hour) : oldFromSql.GetValueOrDefault(hour);
            buckets.Add(new UptimeBucket(hour, counts));
        }

        return buckets;
    }

    /// <summary>The whole UTC days of the period, oldest first: 90 for 90d, the last one today.</summary>
    private async Task<IReadOnlyList<UptimeBucket>> DayBucketsAsync(long serviceId, UptimeWindow window, DateTimeOffset from, DateTimeOffset to)
    {
        var buckets = new List<UptimeBucket>();
        for (var day = FirstBucket(from, to, Day); day <= to; day += Day)
        {
            buckets.Add(new UptimeBucket(day, await WholeAsync(serviceId, window, day, Day)));
        }

        return buckets;
    }

    /// <summary>The part of the bucket starting at <paramref name="bucket"/> from <paramref name="from"/> on.</summary>
    private async Task<UptimeCounts> PartialAsync(long serviceId, UptimeWindow window, DateTimeOffset bucket, DateTimeOffset from, TimeSpan width)
    {
        if (from == bucket)
        {
            return await WholeAsync(serviceId, window, bucket, width);
        }

        var known = width == Hour ? window.TryGetHour(bucket, out var counts) : window.TryGetDay(bucket, out counts);
        return known && counts.Total == 0 ? default : await history.SumAsync(serviceId, from, bucket + width);
    }

    private async Task<UptimeCounts> WholeAsync(long serviceId, UptimeWindow window, DateTimeOffset bucket, TimeSpan width)
    {
        var known = width == Hour ? window.TryGetHour(bucket, out var counts) : window.TryGetDay(bucket, out counts);
        return known ? counts : await history.SumAsync(serviceId, bucket, bucket + width);
    }

    /// <summary>
    /// The start of the first of ceil(period / width) buckets that end with the one holding <paramref name="to"/>.
    /// When the period is a whole number of buckets, that bucket starts after <paramref name="from"/>.
    /// </summary>
    private static DateTimeOffset FirstBucket(DateTimeOffset from, DateTimeOffset to, TimeSpan width)
    {
        var count = (long)Math.Ceiling((to - from) / width);
        return Floor(to, width) - (Math.Max(count, 1) - 1) * width;
    }

    private static DateTimeOffset Floor(DateTimeOffset time, TimeSpan width) =>
        new(time.UtcTicks - (time.UtcTicks % width.Ticks), TimeSpan.Zero);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
