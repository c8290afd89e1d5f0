namespace Monitoring.Grains.Scheduling;

/// <summary>
/// How far services that share a cron are spread after each occurrence: at most <see cref="Fraction"/> of the gap to
/// the next occurrence and never more than <see cref="Max"/>. With the defaults (the whole gap, at most 5 s) a small fleet
/// on <c>*/10 * * * * *</c> starts its checks over 5 s instead of in one burst, one on <c>* * * * * *</c> over the second,
/// and a check of the occurrence at 09:00 starts by 09:00:05 whatever the cron. An offset is always shorter than the gap,
/// so a service's checks keep the order of its occurrences.
/// </summary>
public readonly record struct SpreadLimits(TimeSpan Max, double Fraction)
{
    /// <summary>The spread before it grew with the interval: at most a tenth of the gap and 1 s.</summary>
    public static readonly SpreadLimits Tight = new(TimeSpan.FromSeconds(1), 0.1);

    /// <summary>The longest offset any service gets after an occurrence followed by a gap of <paramref name="gap"/>.</summary>
    public TimeSpan WindowFor(TimeSpan gap) =>
        TimeSpan.FromTicks(Math.Max(0, Math.Min(Max.Ticks, gap == TimeSpan.MaxValue ? Max.Ticks : (long)(gap.Ticks * Fraction))));
}

/// <summary>
/// Spreads services that share a cron so they do not all fire in the same millisecond: each service gets a stable
/// offset from its id, a fixed share of the window <see cref="SpreadLimits"/> allows after that occurrence.
/// </summary>
public static class SpreadOffset
{
    public static TimeSpan For(long serviceId, SpreadLimits limits, TimeSpan gapToNextOccurrence)
    {
        var cap = limits.WindowFor(gapToNextOccurrence);
        if (cap <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        // A fixed multiplicative hash of the id: stable across processes and versions (unlike string.GetHashCode).
        var fraction = (ulong)serviceId * 0x9E3779B97F4A7C15UL >> 11;
        var share = fraction / (double)(1UL << 53);
        return TimeSpan.FromMilliseconds(Math.Floor(cap.TotalMilliseconds * share));
    }
}
