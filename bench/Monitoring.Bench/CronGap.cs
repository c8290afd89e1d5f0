using Monitoring.Grains.Scheduling;

namespace Monitoring.Bench;

/// <summary>The time between two occurrences of a cron (the benchmark's crons are regular).</summary>
internal static class CronGap
{
    /// <summary>The gap between the first two occurrences after <paramref name="now"/>; throws for a cron that fires fewer than twice.</summary>
    public static TimeSpan Of(CronSchedule cron, DateTimeOffset now)
    {
        var first = cron.NextAfter(now) ?? throw new ArgumentException("the cron never fires");
        var second = cron.NextAfter(first) ?? throw new ArgumentException("the cron fires only once");
        return second - first;
    }

    /// <summary>The gap of <paramref name="cron"/> (a cron expression, read in UTC) from now.</summary>
    public static TimeSpan Of(string cron) => Of(CronSchedule.Parse(cron, "UTC"), DateTimeOffset.UtcNow);
}
