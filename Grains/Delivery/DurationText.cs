namespace Monitoring.Grains.Delivery;

/// <summary>How long something lasted, as people write it: <c>12s</c>, <c>4m 12s</c>, <c>1h 5m</c>, <c>2d 3h</c>.</summary>
public static class DurationText
{
    public static string Of(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        var seconds = (long)duration.TotalSeconds;
        var (d, h, m, s) = (seconds / 86400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
        return d > 0 ? Two(d, "d", h, "h")
            : h > 0 ? Two(h, "h", m, "m")
            : m > 0 ? Two(m, "m", s, "s")
            : $"{s}s";
    }

    private static string Two(long a, string unitA, long b, string unitB) => b > 0 ? $"{a}{unitA} {b}{unitB}" : $"{a}{unitA}";
}
