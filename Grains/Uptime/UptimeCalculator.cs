using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Uptime;

/// <summary>
/// Answers uptime-stats for [from, to] from a service's <see cref="UptimeWindow"/>: whole buckets come from
/// memory, the partial bucket at <c>from</c> (and anything older than the hour buckets remember, when
/// hourly buckets are asked for) from SQL, and only when that bucket holds any check. The result equals
/// SQL over service_status for <c>from ≤ checked_at ≤ to</c>.
/// </summary>
public sealed class UptimeCalculator(IUptimeHistory history)
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    public async Task<UptimeReport> ReportAsync(long serviceId, UptimeWindow window, UptimeQuery query, DateTimeOffset to)
    {
        var from = to - query.Length;
        var totals = await SumAsync(serviceId, window, from, to);
        IReadOnlyList<UptimeBucket>? buckets = query.Bucket switch
        {
            UptimeBucketSize.Hour => await HourBucketsAsync(serviceId, window, from, to),
            UptimeBucketSize.Day => await DayBucketsAsync(serviceId, window, from, to),
            _ => null,
        };
        return new UptimeReport(serviceId, query.Period, from, to, totals, buckets);
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

    private async Task<IReadOnlyList<UptimeBucket>> HourBucketsAsync(long serviceId, UptimeWindow window, DateTimeOffset from, DateTimeOffset to)
    {
        var first = Floor(from, Hour);
        var oldFromSql = window.CoversHour(first)
            ? new Dictionary<DateTimeOffset, UptimeCounts>()
            : await history.SumByHourAsync(serviceId, from, Max(window.OldestHour, first + Hour));
        var buckets = new List<UptimeBucket>();
        for (var hour = first; hour <= to; hour += Hour)
        {
            UptimeCounts counts;
            if (!window.CoversHour(hour))
            {
                counts = oldFromSql.GetValueOrDefault(hour);
            }
            else if (hour == first)
            {
                counts = await PartialAsync(serviceId, window, hour, from, Hour);
            }
            else
            {
                counts = await WholeAsync(serviceId, window, hour, Hour);
            }

            buckets.Add(new UptimeBucket(hour, counts));
        }

        return buckets;
    }

    private async Task<IReadOnlyList<UptimeBucket>> DayBucketsAsync(long serviceId, UptimeWindow window, DateTimeOffset from, DateTimeOffset to)
    {
        var first = Floor(from, Day);
        var buckets = new List<UptimeBucket>();
        for (var day = first; day <= to; day += Day)
        {
            var counts = day == first
                ? await PartialDayAsync(serviceId, window, from)
                : await WholeAsync(serviceId, window, day, Day);
            buckets.Add(new UptimeBucket(day, counts));
        }

        return buckets;
    }

    /// <summary>The first day of a period: its whole hours from memory when the hour buckets reach back that far.</summary>
    private async Task<UptimeCounts> PartialDayAsync(long serviceId, UptimeWindow window, DateTimeOffset from)
    {
        var dayEnd = Floor(from, Day) + Day;
        if (!window.CoversHour(from))
        {
            return await PartialAsync(serviceId, window, Floor(from, Day), from, Day);
        }

        var firstHour = Floor(from, Hour);
        var sum = await PartialAsync(serviceId, window, firstHour, from, Hour);
        for (var hour = firstHour + Hour; hour < dayEnd; hour += Hour)
        {
            sum += await WholeAsync(serviceId, window, hour, Hour);
        }

        return sum;
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

    private static DateTimeOffset Floor(DateTimeOffset time, TimeSpan width) =>
        new(time.UtcTicks - (time.UtcTicks % width.Ticks), TimeSpan.Zero);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
