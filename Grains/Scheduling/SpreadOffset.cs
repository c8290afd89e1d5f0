namespace Monitoring.Grains.Scheduling;

/// <summary>
/// Spreads services that share a cron so they do not all fire in the same millisecond: each service
/// gets a stable offset from its id, at most <c>maxSpread</c> and never more than a tenth of the gap
/// between the occurrence and the next one.
/// </summary>
public static class SpreadOffset
{
    public static TimeSpan For(long serviceId, TimeSpan maxSpread, TimeSpan gapToNextOccurrence)
    {
        var cap = TimeSpan.FromTicks(Math.Min(maxSpread.Ticks, gapToNextOccurrence.Ticks / 10));
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
